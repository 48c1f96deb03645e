using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>accept4(2), retried on EINTR. Callers pass SOCK_CLOEXEC so that no connection leaks into an unrelated
    /// child. The new fd, or -1 with errno.</summary>
    internal static unsafe int Accept4(SafeHandle fd, byte* addr, int* addrlen, int flags)
    {
        int result;
        do
            result = Accept4Once(fd, addr, addrlen, flags);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "accept4", SetLastError = true)]
    private static unsafe partial int Accept4Once(SafeHandle fd, byte* addr, int* addrlen, int flags);
}
