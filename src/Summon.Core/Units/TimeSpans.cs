using System.Globalization;
using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// systemd time spans in microseconds (usec_t): parse_time() and format_timespan() of systemd 252.
/// <see cref="Infinity"/> (UINT64_MAX) is "infinity". Parsing returns 0, EINVAL or ERANGE; it never throws.
/// </summary>
internal static class TimeSpans
{
    public const ulong Infinity = ulong.MaxValue;
    public const ulong UsecPerMsec = 1_000, UsecPerSec = 1_000_000, UsecPerMinute = 60 * UsecPerSec;
    public const ulong UsecPerHour = 60 * UsecPerMinute, UsecPerDay = 24 * UsecPerHour, UsecPerWeek = 7 * UsecPerDay;
    public const ulong UsecPerMonth = 2_629_800 * UsecPerSec, UsecPerYear = 31_557_600 * UsecPerSec;

    private const string Whitespace = " \t\n\r";

    /// <summary>Suffixes in systemd's matching order: the first prefix match wins ("ms" before "m").</summary>
    private static readonly (string Suffix, ulong Usec)[] s_suffixes =
    [
        ("seconds", UsecPerSec), ("second", UsecPerSec), ("sec", UsecPerSec), ("s", UsecPerSec),
        ("minutes", UsecPerMinute), ("minute", UsecPerMinute), ("min", UsecPerMinute),
        ("months", UsecPerMonth), ("month", UsecPerMonth), ("M", UsecPerMonth),
        ("msec", UsecPerMsec), ("ms", UsecPerMsec), ("m", UsecPerMinute),
        ("hours", UsecPerHour), ("hour", UsecPerHour), ("hr", UsecPerHour), ("h", UsecPerHour),
        ("days", UsecPerDay), ("day", UsecPerDay), ("d", UsecPerDay),
        ("weeks", UsecPerWeek), ("week", UsecPerWeek), ("w", UsecPerWeek),
        ("years", UsecPerYear), ("year", UsecPerYear), ("y", UsecPerYear),
        ("usec", 1), ("us", 1), ("\u03bcs", 1), ("\u00b5s", 1),
    ];

    /// <summary>Units format_timespan() prints, largest first.</summary>
    private static readonly (string Suffix, ulong Usec)[] s_units =
    [
        ("y", UsecPerYear), ("month", UsecPerMonth), ("w", UsecPerWeek), ("d", UsecPerDay), ("h", UsecPerHour),
        ("min", UsecPerMinute), ("s", UsecPerSec), ("ms", UsecPerMsec), ("us", 1),
    ];

    /// <summary>parse_sec(): a bare number is seconds.</summary>
    public static int TryParseSec(string text, out ulong usec) => TryParse(text, UsecPerSec, out usec);

    /// <summary>
    /// parse_time(): a sum of "NUMBER[.FRACTION] [UNIT]" terms ("1min 30s", "2.5h", "5 s"), or "infinity".
    /// Numbers are signed 64-bit as strtoll reads them (a leading '+' is allowed, '-' is ERANGE); a sum that reaches
    /// UINT64_MAX is ERANGE; fraction digits below one microsecond are dropped.
    /// </summary>
    public static int TryParse(string text, ulong defaultUnit, out ulong usec)
    {
        usec = 0;
        int p = Skip(text, 0);
        if (string.CompareOrdinal(text, p, "infinity", 0, 8) == 0)
        {
            if (Skip(text, p + 8) != text.Length)
                return Errno.EINVAL;
            usec = Infinity;
            return 0;
        }

        ulong total = 0;
        bool something = false;
        for (p = Skip(text, p); p < text.Length; p = Skip(text, p))
        {
            int r = ParseTerm(text, ref p, defaultUnit, ref total);
            if (r != 0)
                return r;
            something = true;
        }

        if (!something)
            return Errno.EINVAL;
        usec = total;
        return 0;
    }

    /// <summary>One "NUMBER[.FRACTION] [UNIT]" term starting at <paramref name="p"/> (not at whitespace), added to
    /// <paramref name="total"/>; <paramref name="p"/> moves past it.</summary>
    private static int ParseTerm(string text, ref int p, ulong defaultUnit, ref ulong total)
    {
        if (text[p] == '-')
            return Errno.ERANGE;

        int r = StrToLL(text, p, out long number, out int end);
        if (r != 0)
            return r;
        if (number < 0)
            return Errno.ERANGE;

        bool fraction = end < text.Length && text[end] == '.';
        if (fraction)
        {
            p = end + 1;
            while (p < text.Length && char.IsAsciiDigit(text[p]))
                p++;
        }
        else if (end == p)
        {
            return Errno.EINVAL;
        }
        else
        {
            p = end;
        }

        int afterUnit = MatchUnit(text, p, defaultUnit, out ulong multiplier);

        // "12.34.56" is refused; "12.34 .56" and "12.34s.56" are two terms.
        if (afterUnit == p && p < text.Length)
            return Errno.EINVAL;
        p = afterUnit;

        if ((ulong)number >= Infinity / multiplier)
            return Errno.ERANGE;
        ulong k = (ulong)number * multiplier;
        if (k >= Infinity - total)
            return Errno.ERANGE;
        total += k;
        return fraction ? AddFraction(text, end + 1, multiplier, ref total) : 0;
    }

    /// <summary>The unit after a number (whitespace allowed before it): where it ends, or where the whitespace ends
    /// when there is none and <paramref name="multiplier"/> is the default unit.</summary>
    private static int MatchUnit(string text, int p, ulong defaultUnit, out ulong multiplier)
    {
        int unitStart = p;
        while (unitStart < text.Length && Whitespace.Contains(text[unitStart], StringComparison.Ordinal))
            unitStart++;
        foreach ((string suffix, ulong value) in s_suffixes)
        {
            if (string.CompareOrdinal(text, unitStart, suffix, 0, suffix.Length) == 0)
            {
                multiplier = value;
                return unitStart + suffix.Length;
            }
        }

        multiplier = defaultUnit;
        return unitStart;
    }

    /// <summary>Adds the fraction digits starting at <paramref name="start"/>, each worth a tenth of the one before;
    /// digits below one microsecond add nothing.</summary>
    private static int AddFraction(string text, int start, ulong multiplier, ref ulong total)
    {
        ulong m = multiplier / 10;
        int b = start;
        for (; b < text.Length && char.IsAsciiDigit(text[b]); b++, m /= 10)
        {
            ulong k = (ulong)(text[b] - '0') * m;
            if (k >= Infinity - total)
                return Errno.ERANGE;
            total += k;
        }

        return b == start ? Errno.EINVAL : 0;   // "3.", "3.s", "0.-0"
    }

    /// <summary>format_timespan(): "1min 30s", "1.500000s", "infinity", "0"; digits below accuracy are dropped.</summary>
    public static string Format(ulong usec, ulong accuracy = 1)
    {
        if (usec == Infinity)
            return "infinity";
        if (usec == 0)
            return "0";
        var sb = new StringBuilder();
        ulong t = usec;
        foreach ((string suffix, ulong unit) in s_units)
        {
            if (t == 0 || (t < accuracy && sb.Length > 0))
                break;
            if (t < unit)
                continue;
            ulong a = t / unit, b = t % unit;
            string separator = sb.Length > 0 ? " " : "";
            if (t < UsecPerMinute && b > 0)
            {
                int digits = 0;
                for (ulong cc = unit; cc > 1; cc /= 10)
                    digits++;
                for (ulong cc = accuracy; cc > 1; cc /= 10)
                {
                    b /= 10;
                    digits--;
                }

                if (digits > 0)
                {
                    sb.Append(separator).Append(a.ToString(CultureInfo.InvariantCulture)).Append('.')
                        .Append(b.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')).Append(suffix);
                    t = 0;
                    continue;
                }
            }

            sb.Append(separator).Append(a.ToString(CultureInfo.InvariantCulture)).Append(suffix);
            t = b;
        }

        return sb.ToString();
    }

    private static int Skip(string text, int p)
    {
        while (p < text.Length && Whitespace.Contains(text[p], StringComparison.Ordinal))
            p++;
        return p;
    }

    /// <summary>strtoll(p, &amp;end, 10) after leading whitespace was skipped: optional sign, decimal digits.
    /// No digits: end = p (nothing converted). Overflow: ERANGE.</summary>
    private static int StrToLL(string text, int p, out long value, out int end)
    {
        value = 0;
        end = p;
        int i = p;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        int digitsStart = i;
        decimal v = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            if (v <= long.MaxValue)
                v = v * 10 + (text[i] - '0');
            i++;
        }

        if (i == digitsStart)
            return 0;
        end = i;
        if (negative)
            v = -v;
        if (v > long.MaxValue || v < long.MinValue)
            return Errno.ERANGE;
        value = (long)v;
        return 0;
    }
}
