using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>connect(2). 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int Connect(int fd, byte* addr, int addrlen);
}
