using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>setresuid(2) through glibc (which applies it to every thread of the process).</summary>
    [LibraryImport(Name, EntryPoint = "setresuid", SetLastError = true)]
    internal static partial int Setresuid(uint ruid, uint euid, uint suid);
}
