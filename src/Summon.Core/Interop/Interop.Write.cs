using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>write(2), retried on EINTR. Returns bytes written or -1 with errno.</summary>
    internal static unsafe nint Write(SafeHandle fd, byte* buffer, nint count)
    {
        nint result;
        do
            result = WriteOnce(fd, buffer, count);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteOnce(SafeHandle fd, byte* buffer, nint count);
}
