using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// pidfd_getfd(2) through glibc 2.36's wrapper (Linux 5.6): a duplicate, close-on-exec, of fd
    /// <paramref name="targetFd"/> of the process behind <paramref name="pidfd"/>. Needs ptrace access to it
    /// (PTRACE_MODE_ATTACH_REALCREDS). Returns -1 with errno (EBADF: no such fd there; EPERM; ESRCH: it exited).
    /// </summary>
    [LibraryImport(Name, EntryPoint = "pidfd_getfd", SetLastError = true)]
    internal static partial int PidfdGetfd(SafeHandle pidfd, int targetFd, uint flags);
}
