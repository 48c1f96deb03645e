using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>fchown(2) of an open file; uint.MaxValue leaves the owner or group as it is. 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "fchown", SetLastError = true)]
    internal static partial int Fchown(SafeHandle fd, uint uid, uint gid);
}
