using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;

    /// <summary>struct timeval on x86_64/aarch64 Linux: seconds and microseconds, both 64-bit.</summary>
    internal struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    /// <summary>SO_RCVTIMEO or SO_SNDTIMEO: a blocking read or send on <paramref name="fd"/> fails with EAGAIN after <paramref name="milliseconds"/>.</summary>
    internal static unsafe int SetSocketTimeout(SafeHandle fd, int option, int milliseconds)
    {
        var tv = new TimeVal { Seconds = milliseconds / 1000, Microseconds = milliseconds % 1000 * 1000 };
        return SetSockOpt(fd, SOL_SOCKET, option, &tv, sizeof(TimeVal));
    }
}
