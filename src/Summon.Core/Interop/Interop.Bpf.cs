using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;

    /// <summary>bpf(2)'s number on this architecture: glibc has no wrapper for it.</summary>
    private static long BpfNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => -1,
    };

    /// <summary>
    /// bpf(2) with <paramref name="command"/> over the union bpf_attr at <paramref name="attr"/> (its first
    /// <paramref name="size"/> bytes, the rest zero): an fd for BPF_PROG_LOAD, 0 for BPF_PROG_ATTACH, -1 with errno.
    /// </summary>
    internal static unsafe long Bpf(int command, void* attr, int size)
    {
        if (BpfNumber < 0)
        {
            Marshal.SetLastPInvokeError(Posix.Errno.EOPNOTSUPP);
            return -1;
        }
        long r;
        do
            r = Syscall(BpfNumber, command, attr, size);
        while (Interrupted(r));
        return r;
    }

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall(long number, long command, void* attr, long size);
}
