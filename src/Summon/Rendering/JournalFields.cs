using System.Globalization;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>
/// An entry as journal fields, in the order <c>-o json</c>, <c>json-pretty</c> and <c>export</c> print them. Manager
/// lines about a unit carry <c>UNIT=</c>, a service's own output <c>_SYSTEMD_UNIT=</c> (journalctl's convention;
/// <c>-u</c> matches either). __CURSOR is our journal position (a decimal number), not a systemd cursor.
/// </summary>
internal static class JournalFields
{
    public static List<KeyValuePair<string, string>> Of(JournalEntry entry, string hostname)
    {
        var fields = new List<KeyValuePair<string, string>>(9)
        {
            new("__CURSOR", I(entry.Cursor)),
            new("__REALTIME_TIMESTAMP", I((entry.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond)),
            new("_HOSTNAME", hostname),
            new("PRIORITY", I(entry.Priority)),
            new("SYSLOG_IDENTIFIER", entry.Identifier),
        };
        if (entry.Pid > 0)
            fields.Add(new("_PID", I(entry.Pid)));
        if (entry.Unit is { } unit)
            fields.Add(new(entry.IsManagerLine ? "UNIT" : "_SYSTEMD_UNIT", unit));
        foreach (var field in (entry.Fields ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                fields.Add(new(field[..eq], field[(eq + 1)..]));
        }
        fields.Add(new("MESSAGE", entry.Message));
        return fields;
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
