using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// getpwnam_r(3): returns 0 with *result NULL when there is no such user, 0 with *result = pwd when found, or an
    /// errno (ERANGE: the buffer is too small; retry with a bigger one). It goes through NSS, so it sees what
    /// getent passwd sees.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "getpwnam_r")]
    internal static unsafe partial int GetPwNamR(byte* name, Passwd* pwd, byte* buffer, nuint size, Passwd** result);
}
