using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int X_OK = 1;

    internal const int W_OK = 2;

    [LibraryImport(Name, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Access(string path, int mode);

    /// <summary>access(2) on a NUL-terminated path. 0 or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "access", SetLastError = true)]
    internal static unsafe partial int Access(byte* path, int mode);
}
