using Summon.Journal;

namespace Summon.Manager.Metrics;

/// <summary>
/// The journal's figures the metrics page shows, read in this one place: lines stored, lines lost, lines queued for the
/// writer thread (its lag), and lines the console copy dropped (the console log target's counter belongs here).
/// </summary>
internal readonly record struct JournalFigures(long Written, long Dropped, int Queued, long ConsoleDropped)
{
    public static JournalFigures Read(JournalWriter journal, ConsoleLogStats? console) =>
        new(journal.Committed, journal.Dropped, journal.Pending, ConsoleDropped: console?.Dropped ?? 0);
}
