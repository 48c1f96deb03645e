using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>fchownat(2) of a name in an open directory; with AT_SYMLINK_NOFOLLOW a symbolic link itself is
    /// changed, never its target. 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "fchownat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Fchownat(SafeHandle dirfd, string path, uint uid, uint gid, int flags);
}
