using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "eventfd_read", SetLastError = true)]
    internal static unsafe partial int EventFdRead(SafeHandle fd, ulong* value);

    [LibraryImport(Name, EntryPoint = "eventfd_write", SetLastError = true)]
    internal static partial int EventFdWrite(SafeHandle fd, ulong value);
}
