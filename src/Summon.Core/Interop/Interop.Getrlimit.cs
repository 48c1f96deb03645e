using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getrlimit(2).</summary>
    [LibraryImport(Name, EntryPoint = "getrlimit", SetLastError = true)]
    internal static unsafe partial int Getrlimit(int resource, Rlimit* limit);
}
