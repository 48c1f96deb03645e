using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>rmdir(2): 0, or -1 with errno (EBUSY or ENOTEMPTY for a cgroup with processes or children).</summary>
    [LibraryImport(Name, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Rmdir(string path);
}
