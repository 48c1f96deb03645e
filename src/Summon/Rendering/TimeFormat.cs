using System.Globalization;

namespace Summon.Cli.Rendering;

/// <summary>systemd's human formats: relative timestamps ("12s ago"), byte sizes ("4.0K") and CPU time ("3ms").</summary>
internal static class TimeFormat
{
    private const long Second = 1_000_000, Minute = 60 * Second, Hour = 60 * Minute, Day = 24 * Hour, Week = 7 * Day;
    private const long Month = 2_629_800 * Second, Year = 31_557_600 * Second;

    /// <summary>format_timestamp_relative(): the largest one or two units, then "ago".</summary>
    public static string Relative(DateTimeOffset then, DateTimeOffset now)
    {
        long d = (now - then).Ticks / 10;
        if (d <= 0)
            return "now";
        static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        return d switch
        {
            >= Year => $"{I(d / Year)} years {I(d % Year / Month)} months ago",
            >= Month => $"{I(d / Month)} months {I(d % Month / Day)} days ago",
            >= Week => $"{I(d / Week)} weeks {I(d % Week / Day)} days ago",
            >= 2 * Day => $"{I(d / Day)} days ago",
            >= 25 * Hour => $"1 day {I((d - Day) / Hour)}h ago",
            >= 6 * Hour => $"{I(d / Hour)}h ago",
            >= Hour => $"{I(d / Hour)}h {I(d % Hour / Minute)}min ago",
            >= 5 * Minute => $"{I(d / Minute)}min ago",
            >= Minute => $"{I(d / Minute)}min {I(d % Minute / Second)}s ago",
            >= Second => $"{I(d / Second)}s ago",
            >= 1000 => $"{I(d / 1000)}ms ago",
            _ => $"{I(d)}us ago",
        };
    }

    /// <summary>What is left until <paramref name="then"/>, as format_timespan() at a precision of 1 ms ("3s 250ms").</summary>
    public static string Left(DateTimeOffset then, DateTimeOffset now)
    {
        long ms = Math.Max(0, (then - now).Ticks / TimeSpan.TicksPerMillisecond);
        return Summon.Units.TimeSpans.Format((ulong)ms * 1000, 1000);
    }

    /// <summary>format_bytes(): base 1024 with one decimal ("4.0K", "1.2M"), plain "512B" below 1K.</summary>
    public static string Bytes(long bytes)
    {
        string[] suffixes = ["E", "P", "T", "G", "M", "K"];
        for (int i = 0; i < suffixes.Length; i++)
        {
            long factor = 1L << (10 * (suffixes.Length - i));
            if (bytes >= factor)
                return (bytes / (double)factor).ToString("0.0", CultureInfo.InvariantCulture) + suffixes[i];
        }
        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    /// <summary>format_timespan() at millisecond accuracy, as status prints CPU time ("3ms", "1.234s").</summary>
    public static string CpuTime(long nanoseconds)
    {
        long ms = nanoseconds / 1_000_000;
        if (ms < 1000)
            return ms.ToString(CultureInfo.InvariantCulture) + "ms";
        if (ms < 60_000)
            return (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        return $"{(ms / 60_000).ToString(CultureInfo.InvariantCulture)}min {((ms % 60_000) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)}s";
    }

    /// <summary>Parses the realtime-µs properties the manager sends (…TimestampRealtime).</summary>
    public static DateTimeOffset? FromMicros(string? micros) =>
        long.TryParse(micros, NumberStyles.None, CultureInfo.InvariantCulture, out long us) && us > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(us / 1000).AddTicks(us % 1000 * 10)
            : null;
}
