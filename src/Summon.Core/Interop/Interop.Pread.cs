using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>pread(2), retried on EINTR: bytes read, 0 at EOF, -1 with errno. Re-reads a cgroup file from its start
    /// on the fd the loop watches (which also re-arms its poll notification).</summary>
    internal static unsafe nint Pread(SafeHandle fd, byte* buffer, nint count, long offset)
    {
        nint result;
        do
            result = PreadOnce(fd, buffer, count, offset);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PreadOnce(SafeHandle fd, byte* buffer, nint count, long offset);
}
