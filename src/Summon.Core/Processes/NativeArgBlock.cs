using System.Runtime.InteropServices;
using System.Text;

namespace Summon.Processes;

/// <summary>
/// The path, argv[], envp[] and working directory of one spawn as NUL-terminated UTF-8 in a single native allocation:
/// the two pointer arrays (each NULL-terminated) first, then the string bytes. One malloc and no managed garbage per spawn.
/// </summary>
internal unsafe struct NativeArgBlock : IDisposable
{
    private void* _memory;

    public byte* Path;
    public byte** Argv;
    public byte** Envp;

    /// <summary>NULL when no working directory was given.</summary>
    public byte* WorkingDirectory;

    public static NativeArgBlock Create(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment) =>
        Create(path, new ComposedArgv(argv), environment, null);

    public static NativeArgBlock Create(string path, in ComposedArgv argv, IReadOnlyList<string> environment, string? workingDirectory)
    {
        int argc = argv.Count, envc = environment.Count;
        nuint pointerBytes = (nuint)(argc + 1 + envc + 1) * (nuint)sizeof(byte*);
        nuint stringBytes = Size(path) + (workingDirectory is null ? 0 : Size(workingDirectory));
        for (int i = 0; i < argc; i++)
            stringBytes += Size(argv[i]);
        for (int i = 0; i < envc; i++)
            stringBytes += Size(environment[i]);

        var block = new NativeArgBlock { _memory = NativeMemory.Alloc(pointerBytes + stringBytes) };
        block.Argv = (byte**)block._memory;
        block.Envp = block.Argv + argc + 1;
        byte* cursor = (byte*)block._memory + pointerBytes;
        byte* end = cursor + stringBytes;

        block.Path = Put(path, ref cursor, end);
        for (int i = 0; i < argc; i++)
            block.Argv[i] = Put(argv[i], ref cursor, end);
        block.Argv[argc] = null;
        for (int i = 0; i < envc; i++)
            block.Envp[i] = Put(environment[i], ref cursor, end);
        block.Envp[envc] = null;
        block.WorkingDirectory = workingDirectory is null ? null : Put(workingDirectory, ref cursor, end);
        return block;
    }

    public void Dispose()
    {
        NativeMemory.Free(_memory);
        _memory = null;
    }

    /// <summary>Writes s as UTF-8 plus NUL into dest; returns the byte count without the NUL.</summary>
    public static int WriteZ(string s, Span<byte> dest)
    {
        int n = Encoding.UTF8.GetBytes(s, dest);
        dest[n] = 0;
        return n;
    }

    private static nuint Size(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Contains('\0'))
            throw new ArgumentException($"String passed to exec contains a NUL character: \"{s.Replace("\0", "\\0")}\"");
        return (nuint)Encoding.UTF8.GetByteCount(s) + 1;
    }

    private static byte* Put(string s, ref byte* cursor, byte* end)
    {
        byte* start = cursor;
        int n = WriteZ(s, new Span<byte>(cursor, (int)(end - cursor)));
        cursor += n + 1;
        return start;
    }
}
