using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getpwuid_r(3), same contract as <see cref="GetPwNamR"/>.</summary>
    [LibraryImport(Name, EntryPoint = "getpwuid_r")]
    internal static unsafe partial int GetPwUidR(uint uid, Passwd* pwd, byte* buffer, nuint size, Passwd** result);
}
