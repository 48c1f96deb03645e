using Summon.Cli.Rendering;
using Summon.Journal;

namespace Summon.Cli.Commands;

/// <summary>Reads the journal store directly (like journalctl reads journal files): no manager needed.</summary>
internal static class JournalLines
{
    public static IReadOnlyList<string> Last(CliContext context, string unit, int lines)
    {
        using var reader = JournalReader.TryOpen(context.StateDirectory);
        if (reader is null)
            return [];
        var entries = reader.Query(new JournalQuery(Units: [unit], Lines: lines));
        string host = JournalShortFormat.ShortHostName();
        return entries.Select(e => JournalShortFormat.Format(e, host, TimeZoneInfo.Local)).ToList();
    }
}
