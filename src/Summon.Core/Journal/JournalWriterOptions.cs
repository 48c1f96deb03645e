using System.Globalization;

namespace Summon.Journal;

/// <summary>Tuning for <see cref="JournalWriter"/>. <see cref="FromEnvironment"/> reads the SUMMON_JOURNAL_* variables.</summary>
internal sealed record JournalWriterOptions
{
    public const int DefaultMaxRows = 1_000_000;
    public const long DefaultMaxPendingBytes = 32L * 1024 * 1024;

    /// <summary>Rotation: once the journal holds more rows than this, the oldest are deleted (SUMMON_JOURNAL_MAX_ROWS).</summary>
    public long MaxRows { get; init; } = DefaultMaxRows;

    /// <summary>
    /// Bytes of service lines waiting for the writer thread beyond which more are dropped (and counted in
    /// <see cref="JournalWriter.Dropped"/>) instead of growing memory without bound while the disk stalls. Each stream
    /// pauses long before (<see cref="JournalBacklog.HighWater"/>), so only many streams at once reach it; manager lines
    /// are never dropped for it.
    /// </summary>
    public long MaxPendingBytes { get; init; } = DefaultMaxPendingBytes;

    /// <summary>
    /// synchronous=FULL instead of NORMAL (SUMMON_JOURNAL_SYNC=full): every commit is fsynced, so committed lines also
    /// survive a power loss or kernel crash, at the cost of one fsync per batch.
    /// </summary>
    public bool SyncEveryCommit { get; init; }

    /// <summary>
    /// Where to echo manager lines (Identifier "summon"), as <c>systemd --user</c> does in a terminal; null for none.
    /// Written by the writer thread after the batch is committed, never by the caller of Append.
    /// </summary>
    public TextWriter? Mirror { get; init; }

    /// <summary>
    /// The copy of every line (manager's and services') on stdout, or null: written by the writer thread where it
    /// writes <see cref="Mirror"/>, so a line stored, lost or console-only alike reaches it once.
    /// </summary>
    public ConsoleLog? Console { get; init; }

    /// <summary>False for <c>--log-target=console</c>: no database is opened, lines go to <see cref="Console"/> alone.</summary>
    public bool Store { get; init; } = true;

    /// <summary>Also echo services' own output to <see cref="Mirror"/>, as "identifier[pid]: message".</summary>
    public bool MirrorServiceOutput { get; init; }

    /// <summary>
    /// How long the writer waits after the first queued line for more before committing them in one transaction
    /// (group commit). Flush() and stopping end the wait at once. Lines reach the database and the mirror at most
    /// this much later; zero commits at once.
    /// </summary>
    public TimeSpan CommitDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The clock for the writer's own notices and the names of moved-aside files.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Test seam: when set, the writer thread waits on it before taking each batch.</summary>
    internal ManualResetEventSlim? WriterGate { get; init; }

    public static JournalWriterOptions FromEnvironment()
    {
        var options = new JournalWriterOptions();
        if (long.TryParse(Environment.GetEnvironmentVariable("SUMMON_JOURNAL_MAX_ROWS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows > 0)
        {
            options = options with { MaxRows = rows };
        }

        if (string.Equals(Environment.GetEnvironmentVariable("SUMMON_JOURNAL_SYNC"), "full", StringComparison.OrdinalIgnoreCase))
        {
            options = options with { SyncEveryCommit = true };
        }

        return options;
    }
}
