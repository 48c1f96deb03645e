using System.Text;

namespace Summon.Journal;

/// <summary>The writer thread: takes the whole queue, commits it as one transaction, rotates, mirrors, degrades.</summary>
internal sealed partial class JournalWriter
{
    // After a burst the swapped lists keep their capacity; past this they are replaced to give the memory back.
    private const int RetainedCapacity = 16 * 1024;

    // Group commit: once this many rows are queued the writer stops lingering and commits.
    private const int GroupCommitRows = 512;

    // On the console alone, how often the writer tries the disk again.
    private static readonly TimeSpan ReopenInterval = TimeSpan.FromSeconds(30);

    // Writer thread only: what the writer itself has to say (console at once, journal with the next commit), and
    // whether a failed commit has been said already: said once, later losses show as the per-unit reports.
    private readonly List<string> pendingNotices = [];
    private bool failureSaid;
    private DateTimeOffset nextReopen;

    // A new journal found damaged again this soon is a failing disk, not a damaged file: count, do not move aside.
    private DateTimeOffset nextRecovery;

    private void Run()
    {
        SayNotices(pendingNotices);
        nextReopen = options.Clock.GetUtcNow() + ReopenInterval;
        var batch = new List<JournalQueuedEntry>(256);
        try
        {
            while (true)
            {
                options.WriterGate?.Wait();
                if (Volatile.Read(ref suspendRequested))
                {
                    SuspendHere();
                    continue;
                }

                lock (gate)
                {
                    while (queue.Count == 0 && !stopping && !suspendRequested)
                    {
                        Monitor.Wait(gate);
                    }

                    if (queue.Count == 0)
                    {
                        if (stopping)
                        {
                            break;
                        }

                        continue;
                    }

                    // Group commit: every transaction costs its locks, WAL frames and page writes, which for a line
                    // or two per Accept=yes connection was most of the journal's cost. Linger for more lines, unless
                    // someone waits in Flush, the manager stops, or a group is already full.
                    var lingerUntil = Environment.TickCount64 + (long)options.CommitDelay.TotalMilliseconds;
                    while (queuedRows < GroupCommitRows && !stopping && flushers == 0)
                    {
                        var left = lingerUntil - Environment.TickCount64;
                        if (left <= 0)
                        {
                            break;
                        }

                        Monitor.Wait(gate, (int)left);
                    }

                    (queue, batch) = (batch, queue);
                    queuedRows = 0;
                }

                Store(batch);
                var bytes = Release(batch);
                lock (gate)
                {
                    processed += batch.Count;
                    pendingBytes -= bytes;
                    Monitor.PulseAll(gate);
                }

                batch.Clear();
                if (batch.Capacity > RetainedCapacity)
                {
                    batch = new List<JournalQueuedEntry>(256);
                }
            }
        }
        finally
        {
            Volatile.Read(ref store)?.Dispose();
            Volatile.Write(ref store, null);
            lock (gate)
            {
                stopping = true;
                finished = true;
                foreach (var queued in queue)
                {
                    CountLost(queued);
                }

                Release(queue);
                queue.Clear();
                queuedRows = 0;
                Monitor.PulseAll(gate);
            }

            stopped.TrySetResult();
        }
    }

    /// <summary>Stores one batch, with the writer's notices and the suppressed-line reports before it. Never throws.</summary>
    private void Store(List<JournalQueuedEntry> batch)
    {
        try
        {
            if (store is null && options.Store && options.Clock.GetUtcNow() >= nextReopen)
            {
                TryReopen();
            }

            if (store is null)
            {
                Mirror(batch, everything: true);
                return;
            }

            var (notices, reported) = Notices();
            if (TryCommit(notices, batch, out var error) || (JournalStore.IsDamage(error!) && options.Clock.GetUtcNow() >= nextRecovery && Recover(error!) && TryCommit(notices, batch, out error)))
            {
                Succeeded(batch, notices, reported);
                return;
            }

            Failed(batch, error!);
        }
        catch (Exception bug)
        {
            // Not a storage failure (those are handled above): still the writer goes on, and the batch is counted.
            Failed(batch, bug);
        }
    }

    private bool TryCommit(List<JournalEntry> notices, List<JournalQueuedEntry> batch, out Exception? error)
    {
        try
        {
            store!.Commit(notices, batch);
            error = null;
            return true;
        }
        catch (Exception e) when (JournalStore.IsStorageFailure(e))
        {
            error = e;
            return false;
        }
    }

    private void Succeeded(List<JournalQueuedEntry> batch, List<JournalEntry> notices, List<KeyValuePair<string, long>> reported)
    {
        var said = pendingNotices.Count;
        pendingNotices.Clear();
        lock (gate)
        {
            foreach (var (unit, count) in reported)
            {
                var left = unreported.GetValueOrDefault(unit) - count;
                if (left > 0)
                {
                    unreported[unit] = left;
                }
                else
                {
                    unreported.Remove(unit);
                }
            }
        }

        var rows = 0L;
        foreach (var queued in batch)
        {
            rows += queued.Rows;
        }

        var total = Interlocked.Add(ref committed, rows);
        MirrorReports(notices, said);
        Mirror(batch, everything: false);
        RaiseBatchCommitted(total);
    }

    /// <summary>The batch is lost: counted per unit, said once, manager lines still on the console.</summary>
    private void Failed(List<JournalQueuedEntry> batch, Exception error)
    {
        Interlocked.Increment(ref failedBatches);
        Volatile.Write(ref lastError, error);
        lock (gate)
        {
            foreach (var queued in batch)
            {
                CountLost(queued);
            }
        }

        if (!failureSaid)
        {
            failureSaid = true;
            Say($"Failed to write to the journal {DatabasePath}: {JournalStore.Describe(error)}; lost lines are counted and reported when writing works again.");
        }

        Mirror(batch, everything: false);
    }

    /// <summary>The database was found damaged while writing: move it aside and start a new one (or the console alone).</summary>
    private bool Recover(Exception damage)
    {
        nextRecovery = options.Clock.GetUtcNow() + ReopenInterval;
        store!.Dispose();
        Volatile.Write(ref store, null);
        var said = new List<string>();
        Volatile.Write(ref store, OpenStore(stateDirectory, options, said, damage));
        SayNotices(said);
        return store is not null;
    }

    private void TryReopen()
    {
        nextReopen = options.Clock.GetUtcNow() + ReopenInterval;
        var said = new List<string>();
        if (OpenStore(stateDirectory, options, said) is { } reopened)
        {
            Volatile.Write(ref store, reopened);
            said.Add($"Opened the journal {DatabasePath}; lines before this went to the console only.");
            SayNotices(said);
        }
    }

    /// <summary>
    /// Opens the store; a damaged database (or the <paramref name="damage"/> already found) is moved aside and a new
    /// one started; a journal that cannot be opened gives null. What happened goes into <paramref name="notices"/>.
    /// </summary>
    private static JournalStore? OpenStore(string stateDirectory, JournalWriterOptions options, List<string> notices, Exception? damage = null)
    {
        var path = JournalDatabase.PathIn(stateDirectory);
        try
        {
            if (damage is null)
            {
                try
                {
                    return JournalStore.Open(stateDirectory, options);
                }
                catch (Exception e) when (JournalStore.IsDamage(e))
                {
                    damage = e;
                }
            }

            var aside = JournalFiles.MoveAside(path, options.Clock.GetUtcNow());
            notices.Add($"Journal file {path} is corrupted ({JournalStore.Describe(damage)}), moved aside to {aside}; started a new journal.");
            return JournalStore.Open(stateDirectory, options);
        }
        catch (Exception e) when (JournalStore.IsStorageFailure(e))
        {
            notices.Add($"Failed to open the journal {path}: {JournalStore.Describe(e)}; logging to the console only until it can be opened.");
            return null;
        }
    }

    /// <summary>The writer's notices as journal lines, and the suppressed-line reports (journald's wording) with their counts.</summary>
    private (List<JournalEntry> Notices, List<KeyValuePair<string, long>> Reported) Notices()
    {
        var now = options.Clock.GetUtcNow();
        var notices = new List<JournalEntry>(pendingNotices.Count);
        foreach (var text in pendingNotices)
        {
            notices.Add(new JournalEntry(now, null, JournalEntry.ManagerIdentifier, Environment.ProcessId, SyslogPriority.Warning, text));
        }

        List<KeyValuePair<string, long>> reported;
        lock (gate)
        {
            reported = unreported.Count == 0 ? [] : [.. unreported];
        }

        foreach (var (unit, count) in reported)
        {
            var owner = unit == JournalEntry.ManagerIdentifier ? null : unit;
            notices.Add(new JournalEntry(now, owner, JournalEntry.ManagerIdentifier, Environment.ProcessId, SyslogPriority.Warning, $"Suppressed {count} messages from {unit}"));
        }

        return (notices, reported);
    }

    /// <summary>Says a notice on the console now, and in the journal with the next commit.</summary>
    private void Say(string text) => SayNotices([text]);

    private void SayNotices(List<string> texts)
    {
        if (texts.Count == 0)
        {
            return;
        }

        if (!ReferenceEquals(texts, pendingNotices))
        {
            pendingNotices.AddRange(texts);
        }

        WriteMirror(mirror =>
        {
            foreach (var text in texts)
            {
                mirror.WriteLine(text);
            }
        });
        if (options.Console is { } console)
        {
            var now = options.Clock.GetUtcNow();
            foreach (var text in texts)
            {
                console.Add(new JournalEntry(now, null, JournalEntry.ManagerIdentifier, Environment.ProcessId, SyslogPriority.Warning, text));
            }
        }
    }

    /// <summary>
    /// The stream backlogs get their bytes back (stored or lost alike), one call per run of the same stream, and the
    /// blocks go back to the pool; returns the bytes released.
    /// </summary>
    private static long Release(List<JournalQueuedEntry> batch)
    {
        JournalBacklog? current = null;
        int run = 0;
        long total = 0;
        foreach (var queued in batch)
        {
            if (queued.Block is not { } block)
            {
                continue;
            }

            if (!ReferenceEquals(queued.Backlog, current))
            {
                current?.Processed(run);
                current = queued.Backlog;
                run = 0;
            }

            run += block.Size;
            total += block.Size;
            block.Return();
        }

        current?.Processed(run);
        return total;
    }

    private void RaiseBatchCommitted(long total)
    {
        try
        {
            BatchCommitted?.Invoke(total);
        }
        catch (Exception ex)
        {
            // A subscriber's bug must not stop the journal.
            Volatile.Write(ref lastError, ex);
        }
    }

    /// <summary>The suppressed-line reports to the console; the notices before them (<paramref name="said"/>) were said already.</summary>
    private void MirrorReports(List<JournalEntry> notices, int said)
    {
        WriteMirror(mirror =>
        {
            for (var i = said; i < notices.Count; i++)
            {
                mirror.WriteLine(notices[i].Message);
            }
        });
        for (var i = said; i < notices.Count; i++)
        {
            options.Console?.Add(notices[i]);
        }
    }

    /// <summary>Manager lines to the mirror, and service output too when asked or when the console is all there is.</summary>
    private void Mirror(List<JournalQueuedEntry> batch, bool everything)
    {
        if (options.Console is { } console)
        {
            CopyToConsole(console, batch);
        }

        if (options.Mirror is null)
        {
            if (everything && options.Console is null)
            {
                lock (gate)
                {
                    foreach (var queued in batch)
                    {
                        CountLost(queued);
                    }
                }
            }

            return;
        }

        var services = everything || options.MirrorServiceOutput;
        WriteMirror(mirror =>
        {
            foreach (var queued in batch)
            {
                if (queued.Entry is { } entry)
                {
                    if (entry.IsManagerLine)
                    {
                        mirror.WriteLine(entry.Message);
                    }
                    else if (services)
                    {
                        mirror.WriteLine($"{entry.Identifier}[{entry.Pid}]: {entry.Message}");
                    }
                }
                else if (services)
                {
                    var source = queued.Block!.Source;
                    foreach (var record in queued.Block)
                    {
                        mirror.WriteLine($"{source.Identifier}[{source.Pid}]: {Encoding.UTF8.GetString(record.Message)}");
                    }
                }
            }
        });
    }

    /// <summary>Every line of the batch to the console copy, which never waits.</summary>
    private static void CopyToConsole(ConsoleLog console, List<JournalQueuedEntry> batch)
    {
        foreach (var queued in batch)
        {
            if (queued.Entry is { } entry)
            {
                console.Add(entry);
                continue;
            }

            var source = queued.Block!.Source;
            foreach (var record in queued.Block)
            {
                console.Add(source, record);
            }
        }
    }

    private void WriteMirror(Action<TextWriter> write)
    {
        if (options.Mirror is not { } mirror)
        {
            return;
        }

        try
        {
            write(mirror);
            mirror.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // stderr closed or broken: the journal itself is what matters.
        }
    }
}
