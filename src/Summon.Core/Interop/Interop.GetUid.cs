using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getuid")]
    internal static partial uint GetUid();
}
