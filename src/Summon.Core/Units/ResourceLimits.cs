using Summon.Posix;
using Summon.Text;

namespace Summon.Units;

/// <summary>The Limit*= resources; the values are Linux's RLIMIT_* numbers.</summary>
internal enum ResourceLimitKind
{
    Cpu = 0, Fsize = 1, Data = 2, Stack = 3, Core = 4, Rss = 5, Nproc = 6, Nofile = 7, Memlock = 8, As = 9,
    Locks = 10, Sigpending = 11, Msgqueue = 12, Nice = 13, Rtprio = 14, Rttime = 15,
}

/// <summary>One Limit*= value: soft and hard limit, <see cref="Infinity"/> for "infinity".</summary>
internal readonly record struct ResourceLimitValue(ulong Soft, ulong Hard)
{
    /// <summary>RLIM_INFINITY.</summary>
    public const ulong Infinity = ulong.MaxValue;
}

/// <summary>
/// systemd's rlimit_parse(): "VALUE" (soft = hard) or "SOFT:HARD", each "infinity" or, by resource: a time span
/// in seconds rounded up (LimitCPU=, bare numbers are seconds), a time span in µs (LimitRTTIME=, bare numbers
/// are µs), a size with K/M/G/T/P/E (base 1024: FSIZE, DATA, STACK, CORE, RSS, AS, MEMLOCK, MSGQUEUE), a nice
/// level "+N" (0..19) / "-N" (0..20) or raw 0..40 (LimitNICE=), or a plain number (NOFILE, NPROC, LOCKS,
/// SIGPENDING, RTPRIO). Results are errno values: EINVAL/ERANGE for a bad value, <see cref="EILSEQ"/> when soft &gt; hard.
/// </summary>
internal static class ResourceLimits
{
    public const int EILSEQ = 84;

    /// <summary>"LimitNOFILE" → Nofile; null for anything else.</summary>
    public static ResourceLimitKind? FromKey(string key) => key switch
    {
        "LimitCPU" => ResourceLimitKind.Cpu,
        "LimitFSIZE" => ResourceLimitKind.Fsize,
        "LimitDATA" => ResourceLimitKind.Data,
        "LimitSTACK" => ResourceLimitKind.Stack,
        "LimitCORE" => ResourceLimitKind.Core,
        "LimitRSS" => ResourceLimitKind.Rss,
        "LimitNOFILE" => ResourceLimitKind.Nofile,
        "LimitAS" => ResourceLimitKind.As,
        "LimitNPROC" => ResourceLimitKind.Nproc,
        "LimitMEMLOCK" => ResourceLimitKind.Memlock,
        "LimitLOCKS" => ResourceLimitKind.Locks,
        "LimitSIGPENDING" => ResourceLimitKind.Sigpending,
        "LimitMSGQUEUE" => ResourceLimitKind.Msgqueue,
        "LimitNICE" => ResourceLimitKind.Nice,
        "LimitRTPRIO" => ResourceLimitKind.Rtprio,
        "LimitRTTIME" => ResourceLimitKind.Rttime,
        _ => null,
    };

    /// <summary>rlimit_parse(): "SOFT:HARD" or "BOTH".</summary>
    public static int TryParse(ResourceLimitKind kind, string value, out ResourceLimitValue limit)
    {
        limit = default;
        string[] parts = value.Split(':');
        if (parts.Length > 2 || value.Length == 0)
            return Errno.EINVAL;
        int r = TryParseOne(kind, parts[0], out ulong soft);
        if (r != 0)
            return r;
        ulong hard = soft;
        if (parts.Length == 2)
        {
            r = TryParseOne(kind, parts[1], out hard);
            if (r != 0)
                return r;
            if (soft > hard)
                return EILSEQ;
        }

        limit = new ResourceLimitValue(soft, hard);
        return 0;
    }

    /// <summary>rlimit_parse_one(): one side of the value.</summary>
    public static int TryParseOne(ResourceLimitKind kind, string s, out ulong value)
    {
        value = 0;
        if (s == "infinity")
        {
            value = ResourceLimitValue.Infinity;
            return 0;
        }

        int r;
        switch (kind)
        {
            case ResourceLimitKind.Cpu:
                r = ValueParsers.TryParseTimeSpan(s, out TimeSpan span);
                if (r != 0)
                    return r;
                if (span == Timeout.InfiniteTimeSpan)
                {
                    value = ResourceLimitValue.Infinity;
                    return 0;
                }

                value = (ulong)((span.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
                return 0;
            case ResourceLimitKind.Rttime:
                // parse_time(s, 1): components without a unit are µs.
                string withUnit = s.Any(char.IsAsciiLetter) ? s : s + "us";
                r = ValueParsers.TryParseTimeSpan(withUnit, out TimeSpan usec);
                if (r != 0)
                    return r;
                value = usec == Timeout.InfiniteTimeSpan ? ResourceLimitValue.Infinity : (ulong)(usec.Ticks / 10);
                return 0;
            case ResourceLimitKind.Fsize or ResourceLimitKind.Data or ResourceLimitKind.Stack or ResourceLimitKind.Core
                or ResourceLimitKind.Rss or ResourceLimitKind.As or ResourceLimitKind.Memlock or ResourceLimitKind.Msgqueue:
                r = ValueParsers.TryParseSize(s, out value);
                if (r != 0)
                    return r;
                return value == ResourceLimitValue.Infinity ? Errno.ERANGE : 0;
            case ResourceLimitKind.Nice:
                return TryParseNice(s, out value);
            default:
                r = CNumber.TryParseUInt64(s, out value);
                if (r != 0)
                    return r;
                return value == ResourceLimitValue.Infinity ? Errno.ERANGE : 0;
        }
    }

    /// <summary>RLIMIT_NICE: "+N" is nice level N (0..19 → 20-N), "-N" nice level -N (0..20 → 20+N), raw 0..40.</summary>
    private static int TryParseNice(string s, out ulong value)
    {
        value = 0;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            int r = CNumber.TryParseUInt64(s[1..], out ulong level);
            if (r != 0)
                return r;
            if (s[0] == '+' ? level >= 20 : level > 20)
                return Errno.ERANGE;
            value = s[0] == '+' ? 20 - level : 20 + level;
            return 0;
        }

        int raw = CNumber.TryParseUInt64(s, out value);
        if (raw != 0)
            return raw;
        return value > 40 ? Errno.ERANGE : 0;
    }
}
