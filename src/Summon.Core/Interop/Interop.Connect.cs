using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>connect(2), retried on EINTR (an AF_UNIX connect stays unconnected when interrupted). 0, or -1 with errno.</summary>
    internal static unsafe int Connect(SafeHandle fd, byte* addr, int addrlen)
    {
        int result;
        do
            result = ConnectOnce(fd, addr, addrlen);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "connect", SetLastError = true)]
    private static unsafe partial int ConnectOnce(SafeHandle fd, byte* addr, int addrlen);
}
