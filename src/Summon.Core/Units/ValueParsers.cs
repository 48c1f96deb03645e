using System.Globalization;
using Summon.Posix;
using Summon.Text;

namespace Summon.Units;

/// <summary>systemd's scalar value syntaxes: booleans, time spans, octal modes, sizes. Results are errno values.</summary>
internal static class ValueParsers
{
    private const string Whitespace = " \t\n\r";

    /// <summary>parse_boolean(): 1 yes y true t on / 0 no n false f off, any case.</summary>
    public static bool TryParseBoolean(string s, out bool value)
    {
        switch (s.ToLowerInvariant())
        {
            case "1" or "yes" or "y" or "true" or "t" or "on":
                value = true;
                return true;
            case "0" or "no" or "n" or "false" or "f" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// parse_sec(): "90", "1min 30s", "2.5s", "infinity" (→ <see cref="Timeout.InfiniteTimeSpan"/>); bare numbers are
    /// seconds. Returns 0, EINVAL or ERANGE. Spans beyond <see cref="TimeSpan.MaxValue"/> are clamped to it.
    /// </summary>
    public static int TryParseTimeSpan(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        int r = TimeSpans.TryParseSec(s, out ulong usec);
        if (r != 0)
            return r;
        value = usec == TimeSpans.Infinity ? Timeout.InfiniteTimeSpan
            : usec > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond) ? TimeSpan.MaxValue
            : TimeSpan.FromTicks((long)usec * TimeSpan.TicksPerMicrosecond);
        return 0;
    }

    /// <summary>parse_mode(): octal, at most 07777.</summary>
    public static int TryParseMode(string s, out uint mode)
    {
        mode = 0;
        string t = s.TrimStart(Whitespace.ToCharArray());
        if (t.Length == 0 || t.Length > 11)
            return Errno.EINVAL;
        uint v = 0;
        foreach (char c in t)
        {
            if (c is < '0' or > '7')
                return Errno.EINVAL;
            v = (v * 8) + (uint)(c - '0');
        }

        if (v > 4095)
            return Errno.ERANGE;
        mode = v;
        return 0;
    }

    private static readonly (string Suffix, ulong Factor)[] SizeUnits =
    [
        ("E", 1UL << 60), ("P", 1UL << 50), ("T", 1UL << 40), ("G", 1UL << 30), ("M", 1UL << 20), ("K", 1UL << 10), ("B", 1), ("", 1),
    ];

    /// <summary>parse_size() with base 1024: "64K", "1.5M", "1G 512M".</summary>
    public static int TryParseSize(string s, out ulong size)
    {
        size = 0;
        string t = s.Trim(Whitespace.ToCharArray());
        if (t.Length == 0 || t[0] == '-')
            return t.Length == 0 ? Errno.EINVAL : Errno.ERANGE;
        int p = 0;
        decimal total = 0;
        while (p < t.Length)
        {
            int start = p;
            while (p < t.Length && char.IsAsciiDigit(t[p]))
                p++;
            if (p == start)
                return Errno.EINVAL;
            // strtoull()'s ERANGE; decimal itself overflows beyond 28 digits.
            if (!ulong.TryParse(t.AsSpan(start, p - start), NumberStyles.None, CultureInfo.InvariantCulture, out ulong whole))
                return Errno.ERANGE;
            decimal number = whole;
            if (p < t.Length && t[p] == '.')
            {
                int fs = ++p;
                while (p < t.Length && char.IsAsciiDigit(t[p]))
                    p++;
                if (p == fs)
                    return Errno.EINVAL;
                string digits = t[fs..p];
                number += decimal.Parse(digits[..Math.Min(18, digits.Length)], NumberStyles.None, CultureInfo.InvariantCulture) / (decimal)Math.Pow(10, Math.Min(18, digits.Length));
            }

            while (p < t.Length && Whitespace.Contains(t[p]))
                p++;
            ulong factor = 1;
            foreach ((string suffix, ulong f) in SizeUnits)
            {
                if (suffix.Length > 0 && string.CompareOrdinal(t, p, suffix, 0, suffix.Length) == 0)
                {
                    factor = f;
                    p += suffix.Length;
                    break;
                }
            }

            if (number > (decimal)ulong.MaxValue / factor)
                return Errno.ERANGE;
            total += number * factor;
            if (total > ulong.MaxValue)
                return Errno.ERANGE;
            while (p < t.Length && Whitespace.Contains(t[p]))
                p++;
        }

        size = (ulong)total;
        return 0;
    }

    /// <summary>safe_atou(): C notation unsigned 32-bit.</summary>
    public static int TryParseUnsigned(string s, out uint value) => CNumber.TryParseUInt32(s, out value);

    /// <summary>safe_atoi().</summary>
    public static int TryParseInteger(string s, out int value) => CNumber.TryParseInt32(s, out value);
}
