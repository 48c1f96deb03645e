using System.Collections.Concurrent;

namespace Summon.Journal;

/// <summary>
/// Appends journal entries to the SQLite journal under the state directory. <see cref="Append"/> only queues the entry
/// (no I/O, no exception, no wait beyond a short uncontended lock); a dedicated writer thread commits whatever has
/// queued in one transaction per batch and rotates the oldest rows away.
/// </summary>
/// <remarks>
/// Durability: the database runs in WAL mode with synchronous=NORMAL. A committed transaction has been written to the
/// <c>-wal</c> file with write(2) before <see cref="Committed"/> counts it, so it is in the kernel's page cache and
/// survives any crash of this process (SIGKILL, abort, OOM kill): the next opener replays the WAL. What NORMAL does
/// not promise is survival of a power loss or kernel crash: the WAL is fsynced only at checkpoints, so the last
/// commits before such an event may be lost (the database itself stays consistent). Set
/// <see cref="JournalWriterOptions.SyncEveryCommit"/> (synchronous=FULL) to fsync every batch as well.
/// Lines still queued (appended but not committed) are lost in a crash; <see cref="Flush"/> waits for them.
/// <para>
/// The journal degrades, it never stops the manager: a database that is damaged (at start or on a later write) is
/// moved aside and a new one started; one that cannot be opened at all (read-only or missing directory) leaves the
/// writer on the console alone (<see cref="JournalWriterOptions.Mirror"/> gets every line), trying the disk again
/// now and then; a batch that cannot be written (disk full, I/O error) is counted per unit and reported in the
/// journal, with journald's "Suppressed N messages from UNIT", once writing works again. Each of these is said once
/// on the console and in the journal.
/// </para>
/// </remarks>
internal sealed partial class JournalWriter : IAsyncDisposable, IDisposable
{
    private readonly string stateDirectory;
    private readonly JournalWriterOptions options;
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by gate: the queue the callers fill, and the sequence numbers of what was queued and processed.
    private readonly object gate = new();
    private List<JournalQueuedEntry> queue = new(256);
    private int queuedRows;
    private long pendingBytes;
    private long appended;
    private long processed;
    private bool stopping;
    private bool finished;
    private int flushers;

    // Lines lost per unit ("summon" for manager-wide lines): ever (for status), and not yet reported in the journal.
    private readonly ConcurrentDictionary<string, long> suppressed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> unreported = new(StringComparer.Ordinal);

    private long committed;
    private long dropped;
    private long failedBatches;
    private Exception? lastError;

    // Writer thread (and the constructor before it starts): the open database, or null on the console alone.
    private JournalStore? store;

    private JournalWriter(string stateDirectory, JournalStore? store, JournalWriterOptions options, List<string> notices)
    {
        this.stateDirectory = stateDirectory;
        this.store = store;
        this.options = options;
        pendingNotices.AddRange(notices);
        thread = new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "summon-journal" };
        thread.Start();
    }

    /// <summary>Path of the journal database file.</summary>
    public string DatabasePath => JournalDatabase.PathIn(stateDirectory);

    /// <summary>True while lines are stored in the database; false on the console alone.</summary>
    public bool IsStoring => Volatile.Read(ref store) is not null;

    /// <summary>Entries durably committed so far (see the remarks on durability).</summary>
    public long Committed => Interlocked.Read(ref committed);

    /// <summary>Entries lost: the queue was full, the writer was disposed, or their batch failed to commit.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Batches whose commit failed (disk full, I/O error); their entries are counted in <see cref="Dropped"/>.</summary>
    public long FailedBatches => Interlocked.Read(ref failedBatches);

    /// <summary>The error of the last failed batch, if any.</summary>
    public Exception? LastError => Volatile.Read(ref lastError);

    /// <summary>
    /// Raised on the writer thread after each committed batch, with the new <see cref="Committed"/> count: the hook for
    /// <c>journal -f</c> (query again with <see cref="JournalQuery.AfterCursor"/>). Handlers must return quickly.
    /// </summary>
    public event Action<long>? BatchCommitted;

    /// <summary>Lines queued and not yet taken by the writer thread.</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return queuedRows;
            }
        }
    }

    /// <summary>Lines of <paramref name="unit"/> the journal lost since the manager started (status's "Suppressed").</summary>
    public long SuppressedFor(string unit) => suppressed.TryGetValue(unit, out var count) ? count : 0;

    /// <summary>Opens the state directory and its journal; options from the environment.</summary>
    public static JournalWriter Open(string stateDirectory) => Open(stateDirectory, JournalWriterOptions.FromEnvironment());

    /// <summary>
    /// Opens (creating if needed, 0700) the state directory and its journal database (0600), and starts the writer
    /// thread. Never throws for the disk: a damaged database is moved aside and a new one started, and a journal that
    /// cannot be opened leaves the writer on the console alone (see the remarks).
    /// </summary>
    public static JournalWriter Open(string stateDirectory, JournalWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var notices = new List<string>();
        var store = options.Store ? OpenStore(stateDirectory, options, notices) : null;
        return new JournalWriter(stateDirectory, store, options, notices);
    }

    /// <summary>
    /// Queues a manager line for the writer thread. Safe from any thread; never does I/O, never throws for I/O, never
    /// blocks beyond a short lock; never dropped while the writer runs.
    /// </summary>
    public void Append(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            if (!stopping)
            {
                Enqueue(new JournalQueuedEntry(entry), 0);
                return;
            }

            CountLost(new JournalQueuedEntry(entry));
        }
    }

    /// <summary>
    /// Queues a block of a stream's lines, counted against its <paramref name="backlog"/> (whose reader pauses when it
    /// is full); the block is the writer's from now on. Dropped and counted only past
    /// <see cref="JournalWriterOptions.MaxPendingBytes"/> (many streams at once) or after disposal.
    /// </summary>
    public void Append(JournalLineBlock block, JournalBacklog backlog)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(backlog);
        var queued = new JournalQueuedEntry(block, backlog);
        lock (gate)
        {
            if (!stopping && pendingBytes + block.Size <= options.MaxPendingBytes)
            {
                backlog.Added(block.Size);
                Enqueue(queued, block.Size);
                return;
            }

            CountLost(queued);
        }

        block.Return();
    }

    /// <summary>Adds to the queue and wakes the writer when it sleeps or a group is full; the caller holds <see cref="gate"/>.</summary>
    private void Enqueue(JournalQueuedEntry queued, int bytes)
    {
        var wasEmpty = queue.Count == 0;
        var wasShort = queuedRows < GroupCommitRows;
        queue.Add(queued);
        queuedRows += queued.Rows;
        pendingBytes += bytes;
        appended++;
        if (wasEmpty || (wasShort && queuedRows >= GroupCommitRows))
        {
            // The writer sleeps on an empty queue, then lingers for a group (see Run) until GroupCommitRows;
            // flushers wait on the same monitor, hence PulseAll.
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// Blocks until every entry appended before the call has been committed (or dropped by a failed batch).
    /// Returns at once after disposal.
    /// </summary>
    public void Flush()
    {
        lock (gate)
        {
            var target = appended;
            if (processed >= target || finished)
            {
                return;
            }

            // A waiting flusher ends the writer's group-commit linger at once.
            flushers++;
            Monitor.PulseAll(gate);
            try
            {
                while (processed < target && !finished)
                {
                    Monitor.Wait(gate);
                }
            }
            finally
            {
                flushers--;
            }
        }
    }

    /// <summary>Commits what is queued, stops the writer thread and closes the database.</summary>
    public void Dispose()
    {
        RequestStop();
        if (Thread.CurrentThread != thread)
        {
            thread.Join();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        RequestStop();
        await stopped.Task.ConfigureAwait(false);
    }

    private void RequestStop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Counts the lines of <paramref name="lost"/> against their unit; the caller holds <see cref="gate"/>.</summary>
    private void CountLost(JournalQueuedEntry lost)
    {
        var unit = lost.Owner;
        var rows = lost.Rows;
        Interlocked.Add(ref dropped, rows);
        suppressed.AddOrUpdate(unit, static (_, rows) => rows, static (_, count, rows) => count + rows, (long)rows);
        unreported[unit] = unreported.GetValueOrDefault(unit) + rows;
    }
}
