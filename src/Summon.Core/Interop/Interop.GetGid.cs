using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getgid")]
    internal static partial uint GetGid();
}
