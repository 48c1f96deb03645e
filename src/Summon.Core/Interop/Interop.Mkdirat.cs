using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>mkdirat(2) relative to an open directory; the mode is reduced by the umask. 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mkdirat(SafeHandle dirfd, string path, uint mode);
}
