using System.Globalization;
using Summon.Journal;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// journalctl's filter options turned into a <see cref="JournalQuery"/>, each bad value refused with journalctl's own
/// one-line message: <c>-S</c>/<c>-U</c> (systemd.time(7) timestamps), <c>-p</c> (a level or a range A..B, names or
/// numbers), <c>-n</c> (N or "all"), <c>-b</c> (only the one boot there is: the manager's life).
/// </summary>
internal static class JournalFilters
{
    public static bool TryTime(string? text, DateTimeOffset now, out DateTimeOffset? time, out string? error)
    {
        time = null;
        error = null;
        if (text is null)
            return true;
        if (Timestamps.TryParse(text, now, TimeZoneInfo.Local, out var parsed) != 0)
        {
            error = $"Failed to parse timestamp: {text}";
            return false;
        }

        time = parsed;
        return true;
    }

    /// <summary>"-p err" shows err and more important (0..3); "-p warning..err" or "-p 3..4" the levels between, either order.</summary>
    public static bool TryPriority(string? text, out int? min, out int? max, out string? error)
    {
        min = max = null;
        error = null;
        if (text is null)
            return true;
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            if (!SyslogPriority.TryParse(text, out int level))
            {
                error = $"Unknown log level {text}";
                return false;
            }

            max = level;
            return true;
        }

        if (!SyslogPriority.TryParse(text[..dots], out int from) || !SyslogPriority.TryParse(text[(dots + 2)..], out int to))
        {
            error = $"Failed to parse log level range {text}";
            return false;
        }

        (min, max) = (Math.Min(from, to), Math.Max(from, to));
        return true;
    }

    /// <summary>"-n" alone is 10, "all" no limit; <paramref name="given"/> says the option was on the command line.</summary>
    public static bool TryLines(bool given, string? text, int? fallback, out int? lines, out string? error)
    {
        lines = fallback;
        error = null;
        if (!given)
            return true;
        if (text is null)
        {
            lines = 10;
            return true;
        }

        if (text == "all")
        {
            lines = null;
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            error = $"Failed to parse lines '{text}'";
            return false;
        }

        lines = n;
        return true;
    }

    /// <summary>The journal holds one boot, the manager's life: <c>-b</c>, <c>-b 0</c>, <c>-b -0</c>, <c>-b +0</c> name it.</summary>
    public static bool TryBoot(string? text, out string? error)
    {
        error = null;
        if (text is null or "" or "0" or "-0" or "+0" or "all")
            return true;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int offset))
        {
            error = $"Data from the specified boot ({offset.ToString("+0;-0;0", CultureInfo.InvariantCulture)}) is not available: No such boot ID in journal";
            return false;
        }

        error = $"Failed to parse boot descriptor '{text}'";
        return false;
    }

    /// <summary>
    /// <c>-u</c> values as journalctl takes them: a unit name or a glob ("demo-echo@*"), a bare name given ".service".
    /// Globs are matched against the units the journal holds lines of, as journalctl does.
    /// </summary>
    public static List<string> Units(IReadOnlyList<string> typed, Func<IReadOnlyList<string>> journalUnits)
    {
        var names = new List<string>();
        IReadOnlyList<string>? known = null;
        foreach (var text in typed)
        {
            if (!UnitPattern.IsGlob(text))
            {
                names.Add(UnitNames.Mangle(text));
                continue;
            }

            known ??= journalUnits();
            names.AddRange(known.Where(unit => UnitPattern.Matches(text, unit)));
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }
}
