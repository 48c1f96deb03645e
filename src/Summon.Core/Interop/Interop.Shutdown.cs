using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /// <summary>shutdown(2). 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(SafeHandle fd, int how);
}
