using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>Fail with EPIPE instead of raising SIGPIPE when the peer has gone.</summary>
    internal const int MSG_NOSIGNAL = 0x4000;

    /// <summary>send(2). Returns bytes sent or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);
}
