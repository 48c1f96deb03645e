using Summon.Cli.Rendering;
using Summon.Journal;

namespace Summon.Cli.Commands;

/// <summary>Reads the journal store directly (like journalctl reads journal files): no manager needed.</summary>
internal static class JournalLines
{
    /// <summary>The unit's last lines; what keeps them from being read is said in one line on stderr, never thrown.</summary>
    public static IReadOnlyList<string> Last(CliContext context, string unit, int lines)
    {
        IReadOnlyList<JournalEntry> entries;
        try
        {
            using var reader = JournalReader.TryOpen(context.StateDirectory);
            if (reader is null)
                return [];
            entries = reader.Query(new JournalQuery(Units: [unit], Lines: lines));
            if (reader.Problem is { } problem)
                Console.Error.WriteLine(problem);
        }
        catch (JournalUnreadableException e)
        {
            Console.Error.WriteLine(e.Message);
            return [];
        }
        string host = JournalShortFormat.ShortHostName();
        return entries.Select(e => JournalShortFormat.Format(e, host, TimeZoneInfo.Local)).ToList();
    }
}
