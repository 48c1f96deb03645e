using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>execv(3): replaces the process image, keeping libc's environ. Returns only on failure (-1, errno).</summary>
    [LibraryImport(Name, EntryPoint = "execv", SetLastError = true)]
    internal static unsafe partial int Execv(byte* path, byte** argv);
}
