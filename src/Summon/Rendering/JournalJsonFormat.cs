using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>
/// journalctl's <c>-o json</c>: one JSON object per line, every value a string, journal field names. Manager lines about
/// a unit carry <c>UNIT=</c>, a service's own output carries <c>_SYSTEMD_UNIT=</c> (journalctl's convention;
/// <c>-u</c> matches either). __CURSOR is our journal position (a decimal number), not a systemd cursor.
/// </summary>
internal static class JournalJsonFormat
{
    // journalctl writes UTF-8 as is; the default encoder would turn every non-ASCII character into \uXXXX.
    private static readonly JournalJsonContext Context = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static string Format(JournalEntry entry, string hostname) => JsonSerializer.Serialize(ToRecord(entry, hostname), Context.JournalJsonRecord);

    public static void Write(TextWriter output, IReadOnlyList<JournalEntry> entries, string hostname)
    {
        foreach (var entry in entries)
        {
            output.WriteLine(Format(entry, hostname));
        }
    }

    internal static JournalJsonRecord ToRecord(JournalEntry entry, string hostname) => new()
    {
        Cursor = entry.Cursor.ToString(CultureInfo.InvariantCulture),
        RealtimeTimestamp = ((entry.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture),
        Hostname = hostname,
        Priority = entry.Priority.ToString(CultureInfo.InvariantCulture),
        SyslogIdentifier = entry.Identifier,
        Pid = entry.Pid > 0 ? entry.Pid.ToString(CultureInfo.InvariantCulture) : null,
        Unit = entry.IsManagerLine ? entry.Unit : null,
        SystemdUnit = entry.IsManagerLine ? null : entry.Unit,
        Message = entry.Message,
    };
}
