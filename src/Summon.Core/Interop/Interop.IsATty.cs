using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>isatty(3): 1 when the fd refers to a terminal.</summary>
    [LibraryImport(Name, EntryPoint = "isatty")]
    internal static partial int IsATty(SafeHandle fd);
}
