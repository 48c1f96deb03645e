using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int LOCK_EX = 2, LOCK_NB = 4;

    /// <summary>
    /// flock(2), retried on EINTR. The lock belongs to the open file description, so the kernel drops it when the last
    /// fd to it closes, the holder's death by SIGKILL included. With LOCK_NB, -1 and EWOULDBLOCK (EAGAIN) while another
    /// description holds it.
    /// </summary>
    internal static int Flock(SafeHandle fd, int operation)
    {
        int result;
        do
            result = FlockOnce(fd, operation);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockOnce(SafeHandle fd, int operation);
}
