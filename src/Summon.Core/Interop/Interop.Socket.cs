using System.Runtime.InteropServices;
using Summon.Posix;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

    /// <summary>Flags or-ed into socket(2)'s type argument.</summary>
    internal const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    /// <summary>socket(2) of <paramref name="kind"/> with SOCK_* <paramref name="flags"/>. The new fd, or -1 with errno.</summary>
    internal static int Socket(int domain, SocketKind kind, int flags, int protocol = 0) => SocketImport(domain, (int)kind | flags, protocol);

    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketImport(int domain, int type, int protocol);
}
