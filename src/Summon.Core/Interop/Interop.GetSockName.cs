using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getsockname", SetLastError = true)]
    internal static unsafe partial int GetSockName(SafeHandle fd, byte* addr, int* addrlen);
}
