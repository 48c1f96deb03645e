using System.Buffers;
using System.Text;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>One entry in a <c>-o</c> mode, as the bytes journalctl writes for it (export is binary-safe, so bytes).</summary>
internal sealed class JournalRenderer(JournalOutputMode mode, string hostname, TimeZoneInfo zone)
{
    public JournalOutputMode Mode => mode;

    public void Append(IBufferWriter<byte> output, JournalEntry entry)
    {
        switch (mode)
        {
            case JournalOutputMode.Export:
                JournalExportFormat.Append(output, entry, hostname);
                return;
            case JournalOutputMode.Json:
                Line(output, JournalJsonFormat.Format(entry, hostname));
                return;
            case JournalOutputMode.JsonPretty:
                Line(output, JournalJsonFormat.FormatPretty(entry, hostname));
                return;
            case JournalOutputMode.Cat:
                var color = JournalShortFormat.PriorityColor(entry.Priority);
                Line(output, color.Length == 0 ? entry.Message.TrimEnd('\n') : Terminal.Ansi.Paint(color, entry.Message.TrimEnd('\n')));
                return;
            default:
                Line(output, JournalShortFormat.Format(entry, hostname, zone, mode));
                return;
        }
    }

    /// <summary>What journalctl prints when nothing matched: only the short modes say so.</summary>
    public void AppendNoEntries(IBufferWriter<byte> output)
    {
        if (mode is JournalOutputMode.Short or JournalOutputMode.ShortIso or JournalOutputMode.ShortPrecise)
            Line(output, JournalShortFormat.NoEntries);
    }

    private static void Line(IBufferWriter<byte> output, string text)
    {
        Encoding.UTF8.GetBytes(text, output);
        Encoding.UTF8.GetBytes("\n", output);
    }
}
