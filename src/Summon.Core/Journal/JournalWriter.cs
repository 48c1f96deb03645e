using Microsoft.Data.Sqlite;

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
/// </remarks>
internal sealed partial class JournalWriter : IAsyncDisposable, IDisposable
{
    private readonly JournalConnection connection;
    private readonly JournalWriterOptions options;
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by gate: the queue the callers fill, and the sequence numbers of what was queued and processed.
    private readonly object gate = new();
    private List<JournalEntry> queue = new(256);
    private long appended;
    private long processed;
    private bool stopping;
    private bool finished;
    private int flushers;

    private long committed;
    private long dropped;
    private long failedBatches;
    private Exception? lastError;

    private JournalWriter(JournalConnection connection, JournalWriterOptions options)
    {
        this.connection = connection;
        this.options = options;
        thread = new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "summon-journal" };
        thread.Start();
    }

    /// <summary>Path of the journal database file.</summary>
    public string DatabasePath => connection.DataSource;

    /// <summary>Entries durably committed so far (see the remarks on durability).</summary>
    public long Committed => Interlocked.Read(ref committed);

    /// <summary>Entries dropped: the queue was full, the writer was disposed, or their batch failed to commit.</summary>
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

    /// <summary>Entries queued and not yet taken by the writer thread.</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Opens (creating if needed, mode 0755) the state directory and its journal; options from the environment.</summary>
    public static JournalWriter Open(string stateDirectory) => Open(stateDirectory, JournalWriterOptions.FromEnvironment());

    /// <summary>
    /// Opens (creating if needed, mode 0755) the state directory and its journal database, and starts the writer thread.
    /// Throws if the directory or database cannot be created or opened: that is a start-up error, not a logging one.
    /// </summary>
    public static JournalWriter Open(string stateDirectory, JournalWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(stateDirectory);
        }
        else if (!Directory.Exists(stateDirectory))
        {
            // 0755 whatever the umask, as systemd creates StateDirectory=; an existing directory keeps its mode.
            const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Directory.CreateDirectory(stateDirectory, Mode);
            File.SetUnixFileMode(stateDirectory, Mode);
        }

        var connection = JournalConnection.OpenReadWrite(JournalDatabase.PathIn(stateDirectory));
        try
        {
            connection.Execute("PRAGMA journal_mode=WAL");
            connection.Execute(options.SyncEveryCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            // Checkpoints truncate the -wal back to this size, so a burst does not leave a large file behind.
            connection.Execute("PRAGMA journal_size_limit=4194304");
            connection.Execute(JournalDatabase.CreateSchema);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new JournalWriter(connection, options);
    }

    /// <summary>
    /// Queues an entry for the writer thread. Safe from any thread; never does I/O, never throws for I/O, never blocks
    /// beyond a short lock. When the queue is full or the writer is disposed the entry is dropped and counted.
    /// </summary>
    public void Append(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            if (!stopping && queue.Count < options.MaxPending)
            {
                queue.Add(entry);
                appended++;
                if (queue.Count == 1 || queue.Count == GroupCommitRows)
                {
                    // The writer sleeps on an empty queue, then lingers for a group (see Run) until GroupCommitRows;
                    // flushers wait on the same monitor, hence PulseAll.
                    Monitor.PulseAll(gate);
                }

                return;
            }
        }

        Interlocked.Increment(ref dropped);
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
}
