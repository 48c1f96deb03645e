using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>accept4(2). Callers pass SOCK_CLOEXEC so that no connection leaks into an unrelated child.</summary>
    [LibraryImport(Name, EntryPoint = "accept4", SetLastError = true)]
    internal static unsafe partial int Accept4(int fd, byte* addr, int* addrlen, int flags);
}
