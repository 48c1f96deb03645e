using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// pidfd_send_signal(2) through glibc 2.36's wrapper (syscall 424). Race-free against pid reuse.
    /// Returns -1 with errno ESRCH once the process has been reaped.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "pidfd_send_signal", SetLastError = true)]
    internal static unsafe partial int PidfdSendSignal(SafeHandle pidfd, int signal, void* info, uint flags);
}
