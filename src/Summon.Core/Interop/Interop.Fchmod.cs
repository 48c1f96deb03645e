using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;

    /// <summary>fchmod(2). On an unbound AF_UNIX socket it sets the mode that bind(2) gives the node (before the umask).</summary>
    [LibraryImport(Name, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int Fchmod(SafeHandle fd, uint mode);

    /// <summary>fchmodat(2); with AT_SYMLINK_NOFOLLOW glibc refuses a symlink (EOPNOTSUPP) instead of changing its target.</summary>
    [LibraryImport(Name, EntryPoint = "fchmodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Fchmodat(int dirfd, string path, uint mode, int flags);
}
