using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>read(2), retried on EINTR. Returns bytes read, 0 at EOF, -1 with errno.</summary>
    internal static unsafe nint Read(SafeHandle fd, byte* buffer, nint count)
    {
        nint result;
        do
            result = ReadOnce(fd, buffer, count);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadOnce(SafeHandle fd, byte* buffer, nint count);
}
