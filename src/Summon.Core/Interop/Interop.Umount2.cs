using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int MNT_DETACH = 0x2, UMOUNT_NOFOLLOW = 0x8;

    /// <summary>umount2(2). Returns -1 with errno (EINVAL: the path is not a mount point).</summary>
    [LibraryImport(Name, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Umount2(string target, int flags);
}
