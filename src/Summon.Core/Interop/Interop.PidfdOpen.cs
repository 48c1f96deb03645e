using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// pidfd_open(2) through glibc 2.36's wrapper. The pidfd always has FD_CLOEXEC; it becomes readable
    /// (EPOLLIN) when the process exits. Returns -1 with errno (ESRCH: no such process).
    /// </summary>
    [LibraryImport(Name, EntryPoint = "pidfd_open", SetLastError = true)]
    internal static partial int PidfdOpen(int pid, uint flags);
}
