using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int MADV_DONTNEED = 4;

    /// <summary>madvise(2). Returns -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(nint address, nuint length, int advice);
}
