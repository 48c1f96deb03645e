using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>O_DIRECTORY: fail with ENOTDIR unless the path is a directory (its value differs between x86_64 and arm64).</summary>
    internal static int O_DIRECTORY => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x10000 : 0x4000;

    /// <summary>O_NOFOLLOW: fail with ELOOP when the last component is a symbolic link (x86_64 and arm64 differ).</summary>
    internal static int O_NOFOLLOW => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x20000 : 0x8000;

    /// <summary>openat(2) relative to an open directory, retried on EINTR. The new fd, or -1 with errno.</summary>
    internal static int Openat(SafeHandle dirfd, string path, int flags, uint mode)
    {
        int result;
        do
            result = OpenatOnce(dirfd, path, flags, mode);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenatOnce(SafeHandle dirfd, string path, int flags, uint mode);
}
