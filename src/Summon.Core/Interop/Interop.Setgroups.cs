using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>setgroups(2) through glibc (which applies it to every thread of the process).</summary>
    [LibraryImport(Name, EntryPoint = "setgroups", SetLastError = true)]
    internal static unsafe partial int Setgroups(nuint size, uint* list);
}
