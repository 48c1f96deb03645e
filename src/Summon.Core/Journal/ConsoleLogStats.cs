namespace Summon.Journal;

/// <summary>
/// What the console copy of the journal did since the manager started: the one place its counters are read from
/// (the metrics endpoint, status). Written by the journal writer and console threads, read from any thread.
/// </summary>
internal sealed class ConsoleLogStats
{
    private long written;
    private long dropped;
    private long dropReports;

    /// <summary>Journal lines written to stdout.</summary>
    public long Written => Interlocked.Read(ref written);

    /// <summary>Journal lines left off stdout because its reader was too slow or gone (the SQLite journal keeps them).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>"N lines dropped" lines written to stdout once its reader caught up.</summary>
    public long DropReports => Interlocked.Read(ref dropReports);

    internal void AddWritten(long lines) => Interlocked.Add(ref written, lines);

    internal void AddDropped(long lines) => Interlocked.Add(ref dropped, lines);

    internal void AddDropReport() => Interlocked.Increment(ref dropReports);
}
