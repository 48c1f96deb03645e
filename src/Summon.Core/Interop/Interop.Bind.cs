using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeHandle fd, byte* addr, int addrlen);
}
