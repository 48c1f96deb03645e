using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>setresgid(2) through glibc (which applies it to every thread of the process).</summary>
    [LibraryImport(Name, EntryPoint = "setresgid", SetLastError = true)]
    internal static partial int Setresgid(uint rgid, uint egid, uint sgid);
}
