using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager;

/// <summary>
/// $INVOCATION_ID values: random 128-bit ids (version 4, as systemd's sd_id128_randomize makes them) in 32 lowercase
/// hex digits. Guid.NewGuid reads the kernel's random source once per id, which for Accept=yes is one syscall per
/// connection; here one getrandom(2) fills a per-thread pool of 32 ids. Not RandomNumberGenerator: on Linux it loads
/// OpenSSL into the daemon, which costs start-up time and mappings (docs/performance.md).
/// </summary>
internal static class InvocationIds
{
    private const int IdBytes = 16, PoolIds = 32;

    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    public static string Next()
    {
        var pool = t_pool ??= new byte[IdBytes * PoolIds];
        if (t_next == 0)
            Fill(pool);
        Span<byte> id = pool.AsSpan(t_next * IdBytes, IdBytes);
        t_next = (t_next + 1) % PoolIds;
        return FromBytes(id);
    }

    private static unsafe void Fill(byte[] pool)
    {
        fixed (byte* start = pool)
        {
            nuint done = 0, length = (nuint)pool.Length;
            while (done < length)
            {
                nint n = Libc.GetRandom(start + done, length - done, 0);
                if (n < 0)
                    throw ErrnoException.FromLast("getrandom");   // the import retries EINTR itself
                done += (nuint)n;
            }
        }
    }

    /// <summary>The id for 16 random bytes: the version and variant bits set as Guid.NewGuid sets them, "N" format.</summary>
    internal static string FromBytes(Span<byte> id)
    {
        id[7] = (byte)((id[7] & 0x0F) | 0x40);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        var guid = new Guid(id);
        id.Clear();   // an id handed out is not kept
        return guid.ToString("N");
    }
}
