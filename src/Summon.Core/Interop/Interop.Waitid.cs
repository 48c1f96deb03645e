using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    // idtype_t
    internal const int P_ALL = 0, P_PID = 1, P_PIDFD = 3;

    // options
    internal const int WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x01000000;

    // si_code for SIGCHLD
    internal const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    /// <summary>
    /// waitid(2) for P_PID or P_ALL, retried on EINTR. With WNOHANG and nothing to report it returns 0 and leaves
    /// si_pid at 0, so callers must zero the <see cref="SigInfo"/> first. Returns -1 with errno (ECHILD: not our child /
    /// already reaped).
    /// </summary>
    internal static unsafe int Waitid(int idType, uint id, SigInfo* info, int options)
    {
        int result;
        do
            result = WaitidOnce(idType, id, info, options);
        while (Interrupted(result));
        return result;
    }

    /// <summary>waitid(P_PIDFD, pidfd), retried on EINTR; otherwise as <see cref="Waitid"/>.</summary>
    internal static unsafe int WaitidPidfd(SafeHandle pidfd, SigInfo* info, int options)
    {
        int result;
        do
            result = WaitidPidfdOnce(P_PIDFD, pidfd, info, options);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "waitid", SetLastError = true)]
    private static unsafe partial int WaitidOnce(int idType, uint id, SigInfo* info, int options);

    [LibraryImport(Name, EntryPoint = "waitid", SetLastError = true)]
    private static unsafe partial int WaitidPidfdOnce(int idType, SafeHandle id, SigInfo* info, int options);

    /// <summary>siginfo_t (128 bytes on x86_64) with the SIGCHLD fields at their offsets.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct SigInfo
    {
        [FieldOffset(0)] public int Signo;
        [FieldOffset(4)] public int Errno;
        [FieldOffset(8)] public int Code;
        [FieldOffset(16)] public int Pid;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public int Status;
    }
}
