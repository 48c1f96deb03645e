using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getgrgid_r(3), same contract as <see cref="GetPwNamR"/>.</summary>
    [LibraryImport(Name, EntryPoint = "getgrgid_r")]
    internal static unsafe partial int GetGrGidR(uint gid, Group* grp, byte* buffer, nuint size, Group** result);
}
