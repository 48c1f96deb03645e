using System.Globalization;
using System.Text;
using Summon.Cli.Terminal;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>
/// journalctl's default <c>-o short</c> line: <c>Apr 22 02:44:41 host summon[1234]: message</c> — local time as
/// "MMM dd HH:mm:ss", the short host name, identifier[pid] (just identifier when the pid is unknown), the message.
/// Further lines of a multi-line message are indented to where the message starts, as journalctl does.
/// <c>-o short-precise</c> adds microseconds ("MMM dd HH:mm:ss.ffffff"), <c>-o short-iso</c> writes the time as
/// "yyyy-MM-ddTHH:mm:ss+hhmm" (strftime's %z).
/// </summary>
internal static class JournalShortFormat
{
    /// <summary>What journalctl prints when nothing matched.</summary>
    public const string NoEntries = "-- No entries --";

    public static string Format(JournalEntry entry, string hostname, TimeZoneInfo zone, JournalOutputMode mode = JournalOutputMode.Short)
    {
        var text = new StringBuilder(64 + entry.Message.Length);
        Append(text, entry, hostname, zone, mode);
        return text.ToString();
    }

    /// <summary>Writes every entry as one short line (plus continuation lines), or <see cref="NoEntries"/> when none.</summary>
    public static void Write(TextWriter output, IReadOnlyList<JournalEntry> entries, string hostname, TimeZoneInfo zone)
    {
        if (entries.Count == 0)
        {
            output.WriteLine(NoEntries);
            return;
        }

        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Clear();
            Append(text, entry, hostname, zone, JournalOutputMode.Short);
            output.WriteLine(text);
        }
    }

    /// <summary>The host name up to its first dot, as journalctl shows _HOSTNAME.</summary>
    public static string ShortHostName(string hostname)
    {
        var dot = hostname.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? hostname[..dot] : hostname;
    }

    /// <summary>This machine's short host name.</summary>
    public static string ShortHostName() => ShortHostName(Environment.MachineName);

    private static void Append(StringBuilder text, JournalEntry entry, string hostname, TimeZoneInfo zone, JournalOutputMode mode)
    {
        var local = TimeZoneInfo.ConvertTime(entry.Time, zone);
        switch (mode)
        {
            case JournalOutputMode.ShortIso:
                var offset = local.Offset;
                text.Append(local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))
                    .Append(offset < TimeSpan.Zero ? '-' : '+')
                    .Append(offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture));
                break;
            case JournalOutputMode.ShortPrecise:
                text.Append(local.ToString("MMM dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(local.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture));
                break;
        }

        text
            .Append(' ').Append(hostname)
            .Append(' ').Append(entry.Identifier);
        if (entry.Pid > 0)
        {
            text.Append('[').Append(entry.Pid.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        text.Append(": ");
        var indent = text.Length;
        var message = entry.Message.AsSpan().TrimEnd('\n');
        var color = PriorityColor(entry.Priority);
        var first = true;
        foreach (var line in message.EnumerateLines())
        {
            if (!first)
            {
                text.Append('\n').Append(' ', indent);
            }

            text.Append(color).Append(line);
            if (color.Length > 0)
            {
                text.Append(Ansi.Normal);
            }

            first = false;
        }
    }

    /// <summary>journalctl's colour of a message by its priority (systemd 252's get_log_colors()); empty when colour is off.</summary>
    internal static string PriorityColor(int priority) => priority switch
    {
        <= SyslogPriority.Error => Ansi.HighlightRed,
        SyslogPriority.Warning => Ansi.HighlightYellow,
        SyslogPriority.Notice => Ansi.Highlight,
        >= SyslogPriority.Debug => Ansi.Grey,
        _ => "",
    };
}
