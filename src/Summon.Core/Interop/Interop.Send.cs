using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>Fail with EPIPE instead of raising SIGPIPE when the peer has gone.</summary>
    internal const int MSG_NOSIGNAL = 0x4000;

    /// <summary>send(2), retried on EINTR. Returns bytes sent or -1 with errno.</summary>
    internal static unsafe nint Send(SafeHandle fd, byte* buffer, nint length, int flags)
    {
        nint result;
        do
            result = SendOnce(fd, buffer, length, flags);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint SendOnce(SafeHandle fd, byte* buffer, nint length, int flags);
}
