using System.Globalization;
using Summon.Interop;
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

    private static readonly (string Suffix, long Usec)[] TimeUnits =
    [
        ("seconds", 1_000_000), ("second", 1_000_000), ("sec", 1_000_000), ("s", 1_000_000),
        ("minutes", 60_000_000), ("minute", 60_000_000), ("min", 60_000_000),
        ("months", 2_629_800_000_000), ("month", 2_629_800_000_000), ("M", 2_629_800_000_000),
        ("msec", 1_000), ("ms", 1_000), ("m", 60_000_000),
        ("hours", 3_600_000_000), ("hour", 3_600_000_000), ("hr", 3_600_000_000), ("h", 3_600_000_000),
        ("days", 86_400_000_000), ("day", 86_400_000_000), ("d", 86_400_000_000),
        ("weeks", 604_800_000_000), ("week", 604_800_000_000), ("w", 604_800_000_000),
        ("years", 31_557_600_000_000), ("year", 31_557_600_000_000), ("y", 31_557_600_000_000),
        ("usec", 1), ("us", 1), ("\u03bcs", 1), ("\u00b5s", 1),
    ];

    /// <summary>
    /// parse_sec(): "90", "1min 30s", "2.5s", "infinity" (→ <see cref="Timeout.InfiniteTimeSpan"/>); bare numbers are
    /// seconds. Returns 0, EINVAL or ERANGE.
    /// </summary>
    public static int TryParseTimeSpan(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        string t = s.TrimStart(Whitespace.ToCharArray());
        if (t.StartsWith("infinity", StringComparison.Ordinal))
        {
            if (t["infinity".Length..].Trim(Whitespace.ToCharArray()).Length != 0)
                return Errno.EINVAL;
            value = Timeout.InfiniteTimeSpan;
            return 0;
        }

        decimal total = 0;
        bool something = false;
        int p = 0;
        while (true)
        {
            while (p < t.Length && Whitespace.Contains(t[p]))
                p++;
            if (p >= t.Length)
            {
                if (!something)
                    return Errno.EINVAL;
                break;
            }

            if (t[p] == '-')
                return Errno.ERANGE;
            if (t[p] == '+')
                p++;
            int start = p;
            while (p < t.Length && char.IsAsciiDigit(t[p]))
                p++;
            bool hasInt = p > start;
            decimal number = hasInt ? decimal.Parse(t[start..p], NumberStyles.None, CultureInfo.InvariantCulture) : 0;
            if (p < t.Length && t[p] == '.')
            {
                p++;
                if (p >= t.Length || !char.IsAsciiDigit(t[p]))
                    return Errno.EINVAL;
                int fs = p;
                while (p < t.Length && char.IsAsciiDigit(t[p]))
                    p++;
                string digits = t[fs..p];
                if (digits.Length > 18)
                    digits = digits[..18];
                number += decimal.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) / (decimal)Math.Pow(10, digits.Length);
            }
            else if (!hasInt)
            {
                return Errno.EINVAL;
            }

            while (p < t.Length && Whitespace.Contains(t[p]))
                p++;
            long multiplier = 1_000_000;
            foreach ((string suffix, long usec) in TimeUnits)
            {
                if (string.CompareOrdinal(t, p, suffix, 0, suffix.Length) == 0)
                {
                    multiplier = usec;
                    p += suffix.Length;
                    break;
                }
            }

            total += number * multiplier;
            if (total > long.MaxValue / 10)
                return Errno.ERANGE;
            something = true;
        }

        value = TimeSpan.FromTicks((long)Math.Floor(total) * 10);
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
            decimal number = decimal.Parse(t[start..p], NumberStyles.None, CultureInfo.InvariantCulture);
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
