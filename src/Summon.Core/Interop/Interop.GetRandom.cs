using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>getrandom(2) from the kernel's pool (flags 0: blocks only until the pool is first initialised),
    /// retried on EINTR. Used instead of RandomNumberGenerator, which on Linux loads OpenSSL (libssl + libcrypto) on
    /// first use: a slower cold start and more mapped memory in the daemon (docs/performance.md, 'Measured design
    /// decisions').</summary>
    internal static unsafe nint GetRandom(byte* buffer, nuint length, uint flags)
    {
        nint result;
        do
            result = GetRandomOnce(buffer, length, flags);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "getrandom", SetLastError = true)]
    private static unsafe partial nint GetRandomOnce(byte* buffer, nuint length, uint flags);
}
