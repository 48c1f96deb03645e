using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>ftruncate(2), retried on EINTR. 0, or -1 with errno.</summary>
    internal static int Ftruncate(SafeHandle fd, long length)
    {
        int result;
        do
            result = FtruncateOnce(fd, length);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FtruncateOnce(SafeHandle fd, long length);
}
