using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Summon.Processes;

/// <summary>
/// The seccomp filters the child installs last before execve (SystemCallFilter=, RestrictAddressFamilies=, …), in
/// install order, compiled once per unit load into one block of native layout (struct summon_seccomp of
/// summon_seccomp.c) that the spawn routine copies: a header (size, count), then per filter its length, exit status and
/// instructions. The block is pinned, so its address is valid for as long as the program is referenced.
/// </summary>
internal sealed class SeccompProgram
{
    private readonly byte[] _block;

    public SeccompProgram(IReadOnlyList<SeccompFilter> filters, uint nativeArch)
    {
        Filters = filters;
        var compiled = filters.Select(f => f.Compile(nativeArch)).ToArray();
        int size = 8 + compiled.Sum(c => 8 + c.Length * 8);
        _block = GC.AllocateArray<byte>(size, pinned: true);
        Span<byte> b = _block;
        BitConverter.TryWriteBytes(b[0..], (uint)size);
        BitConverter.TryWriteBytes(b[4..], (uint)compiled.Length);
        int at = 8;
        for (int i = 0; i < compiled.Length; i++)
        {
            BitConverter.TryWriteBytes(b[at..], (ushort)compiled[i].Length);
            BitConverter.TryWriteBytes(b[(at + 2)..], (ushort)filters[i].ExitStatus);
            at += 8;
            MemoryMarshal.AsBytes(compiled[i].AsSpan()).CopyTo(b[at..]);
            at += compiled[i].Length * 8;
        }
    }

    /// <summary>The filters, in the order the child installs them.</summary>
    public IReadOnlyList<SeccompFilter> Filters { get; }

    /// <summary>Bytes of the native block (what a spawn copies).</summary>
    public int Size => _block.Length;

    /// <summary>The native block's address (pinned).</summary>
    public unsafe void* Address => Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_block));

    /// <summary>The native block, for tests that run the programs.</summary>
    public ReadOnlySpan<byte> Block => _block;
}
