using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getgrnam_r(3), same contract as <see cref="GetPwNamR"/>.</summary>
    [LibraryImport(Name, EntryPoint = "getgrnam_r")]
    internal static unsafe partial int GetGrNamR(byte* name, Group* grp, byte* buffer, nuint size, Group** result);
}
