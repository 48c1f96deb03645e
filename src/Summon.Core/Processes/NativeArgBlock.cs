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

    /// <param name="extraEnvironment">Entries appended after <paramref name="environment"/> (null ones skipped), so
    /// the caller need not build a new list.</param>
    public static NativeArgBlock Create(string path, in ComposedArgv argv, IReadOnlyList<string> environment, string? workingDirectory,
        string? extraEnvironment0 = null, string? extraEnvironment1 = null)
    {
        int argc = argv.Count, baseEnvc = environment.Count;
        int envc = baseEnvc + (extraEnvironment0 is null ? 0 : 1) + (extraEnvironment1 is null ? 0 : 1);
        nuint pointerBytes = (nuint)(argc + 1 + envc + 1) * (nuint)sizeof(byte*);
        nuint stringBytes = Size(path) + (workingDirectory is null ? 0 : Size(workingDirectory));
        for (int i = 0; i < argc; i++)
            stringBytes += Size(argv[i]);
        for (int i = 0; i < baseEnvc; i++)
            stringBytes += Size(environment[i]);
        if (extraEnvironment0 is not null)
            stringBytes += Size(extraEnvironment0);
        if (extraEnvironment1 is not null)
            stringBytes += Size(extraEnvironment1);

        var block = new NativeArgBlock { _memory = NativeMemory.Alloc(pointerBytes + stringBytes) };
        block.Argv = (byte**)block._memory;
        block.Envp = block.Argv + argc + 1;
        byte* cursor = (byte*)block._memory + pointerBytes;
        byte* end = cursor + stringBytes;

        block.Path = Put(path, ref cursor, end);
        for (int i = 0; i < argc; i++)
            block.Argv[i] = Put(argv[i], ref cursor, end);
        block.Argv[argc] = null;
        for (int i = 0; i < baseEnvc; i++)
            block.Envp[i] = Put(environment[i], ref cursor, end);
        int next = baseEnvc;
        if (extraEnvironment0 is not null)
            block.Envp[next++] = Put(extraEnvironment0, ref cursor, end);
        if (extraEnvironment1 is not null)
            block.Envp[next] = Put(extraEnvironment1, ref cursor, end);
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
