using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getrandom(2) from the kernel's pool (flags 0: blocks only until the pool is first initialised).
    /// Used instead of RandomNumberGenerator, which on Linux loads OpenSSL (libssl + libcrypto: ~5 ms and ~3 MB of
    /// mappings in the daemon on first use).</summary>
    [LibraryImport(Name, EntryPoint = "getrandom", SetLastError = true)]
    internal static unsafe partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
