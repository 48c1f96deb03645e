using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// setenv(3) on libc's environ (not .NET's cached copy). Only the exec helper uses it, right before execv,
    /// so the process has nothing else reading the environment concurrently that matters.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "setenv", SetLastError = true)]
    internal static unsafe partial int Setenv(byte* name, byte* value, int overwrite);
}
