using System.Globalization;
using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// systemd 252's parse_timestamp() (systemd.time(7)), as journalctl's <c>--since</c>/<c>--until</c> read it:
/// "now", "today", "yesterday", "tomorrow"; "+SPAN" and "SPAN left" (from now on), "-SPAN" and "SPAN ago" (back from
/// now); "@SECONDS[.FRACTION]" (Unix time); "[WEEKDAY] [YY]YY-MM-DD [HH:MM[:SS[.FRACTION]]]" and "HH:MM[:SS]" (today),
/// each with an optional trailing "UTC" (252 takes no other zone name here). SPAN is a time span as <see cref="TimeSpans"/> parses it.
/// Returns 0 or EINVAL; it never throws.
/// </summary>
internal static class Timestamps
{
    private static readonly string[] s_weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static int TryParse(string text, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        string t = text.Trim();
        if (t.Length == 0)
            return Errno.EINVAL;

        // A trailing "UTC" applies to the date forms and the day words, not to the relative and epoch ones.
        bool utc = false;
        if (t.EndsWith(" UTC", StringComparison.Ordinal))
        {
            utc = true;
            zone = TimeZoneInfo.Utc;
            t = t[..^4].TrimEnd();
        }

        DateTimeOffset localNow = TimeZoneInfo.ConvertTime(now, zone);
        switch (t)
        {
            case "now":
                time = now;
                return 0;
            case "today":
                return At(localNow.Date, zone, out time);
            case "yesterday":
                return At(localNow.Date.AddDays(-1), zone, out time);
            case "tomorrow":
                return At(localNow.Date.AddDays(1), zone, out time);
        }

        if (utc && (t[0] is '+' or '-' or '@' || t.EndsWith(" ago", StringComparison.Ordinal) || t.EndsWith(" left", StringComparison.Ordinal)))
            return Errno.EINVAL;
        if (t[0] is '+' or '-')
            return Relative(t[1..], now, t[0] == '+' ? 1 : -1, out time);
        if (t.EndsWith(" ago", StringComparison.Ordinal))
            return Relative(t[..^4], now, -1, out time);
        if (t.EndsWith(" left", StringComparison.Ordinal))
            return Relative(t[..^5], now, 1, out time);
        if (t[0] == '@')
        {
            if (TimeSpans.TryParseSec(t[1..], out ulong usec) != 0 || usec > (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / 10)
                return Errno.EINVAL;
            time = DateTimeOffset.UnixEpoch.AddTicks((long)usec * 10);
            return 0;
        }

        return Absolute(t, localNow, zone, out time);
    }

    private static int Relative(string span, DateTimeOffset now, int sign, out DateTimeOffset time)
    {
        time = default;
        if (TimeSpans.TryParseSec(span, out ulong usec) != 0 || usec >= long.MaxValue / 10)
            return Errno.EINVAL;
        try
        {
            time = now.AddTicks(sign * (long)usec * 10);
            return 0;
        }
        catch (ArgumentOutOfRangeException)
        {
            return Errno.EINVAL;
        }
    }

    /// <summary>The date forms, with an optional weekday first that must agree with the date.</summary>
    private static int Absolute(string t, DateTimeOffset localNow, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        int? weekday = null;
        int space = t.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            string word = t[..space];
            for (int d = 0; d < s_weekdays.Length; d++)
            {
                if (word.Equals(s_weekdays[d], StringComparison.OrdinalIgnoreCase) || word.Equals(s_weekdays[d][..3], StringComparison.OrdinalIgnoreCase))
                {
                    weekday = d;
                    t = t[(space + 1)..].TrimStart();
                    break;
                }
            }
        }

        if (!TryDateTime(t, localNow, out DateTime local))
            return Errno.EINVAL;
        if (weekday is int w && (int)local.DayOfWeek != w)
            return Errno.EINVAL;
        return At(local, zone, out time);
    }

    /// <summary>"[YY]YY-MM-DD[ HH:MM[:SS[.F]]]" or "HH:MM[:SS[.F]]" (on <paramref name="localNow"/>'s day).</summary>
    private static bool TryDateTime(string t, DateTimeOffset localNow, out DateTime local)
    {
        local = default;
        int year = localNow.Year, month = localNow.Month, day = localNow.Day;
        string[] parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2)
            return false;
        string? clock = parts.Length == 2 ? parts[1] : null;
        if (parts[0].Contains('-', StringComparison.Ordinal))
        {
            string[] date = parts[0].Split('-');
            if (date.Length != 3 || !Number(date[0], 2, 4, out year) || !Number(date[1], 1, 2, out month) || !Number(date[2], 1, 2, out day))
                return false;
            if (date[0].Length == 2)
                year += year < 69 ? 2000 : 1900;   // strptime's %y
            else if (date[0].Length != 4)
                return false;
        }
        else if (parts.Length == 1)
        {
            clock = parts[0];
        }
        else
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        if (clock is not null)
        {
            string[] hms = clock.Split(':');
            if (hms.Length is < 2 or > 3 || !Number(hms[0], 1, 2, out hour) || !Number(hms[1], 1, 2, out minute))
                return false;
            if (hms.Length == 3)
            {
                string seconds = hms[2];
                int dot = seconds.IndexOf('.', StringComparison.Ordinal);
                if (dot >= 0)
                {
                    string digits = seconds[(dot + 1)..];
                    if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
                        return false;
                    digits = digits.Length > 6 ? digits[..6] : digits.PadRight(6, '0');
                    fractionTicks = long.Parse(digits, CultureInfo.InvariantCulture) * 10;
                    seconds = seconds[..dot];
                }

                if (!Number(seconds, 1, 2, out second))
                    return false;
            }
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month)
            || hour > 23 || minute > 59 || second > 60 || year is < 1 or > 9999)
            return false;
        local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified).AddTicks(fractionTicks);
        return true;
    }

    private static bool Number(string text, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        if (text.Length < minDigits || text.Length > maxDigits || !text.All(char.IsAsciiDigit))
            return false;
        value = int.Parse(text, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>A wall-clock time in <paramref name="zone"/>; a time skipped by a DST change moves forward as mktime does.</summary>
    private static int At(DateTime local, TimeZoneInfo zone, out DateTimeOffset time)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            local = local.AddHours(1);
        time = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return 0;
    }
}
