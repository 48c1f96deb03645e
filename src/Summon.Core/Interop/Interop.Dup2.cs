using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>dup2(2), retried on EINTR: makes <paramref name="newFd"/> refer to what <paramref name="oldFd"/> does.</summary>
    internal static int Dup2(SafeHandle oldFd, SafeHandle newFd)
    {
        int result;
        do
            result = Dup2Once(oldFd, newFd);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2Once(SafeHandle oldFd, SafeHandle newFd);
}
