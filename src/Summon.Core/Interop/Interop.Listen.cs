using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(SafeHandle fd, int backlog);
}
