using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>The writer thread: takes the whole queue, commits it as one transaction, rotates, mirrors.</summary>
internal sealed partial class JournalWriter
{
    // After a burst the swapped lists keep their capacity; past this they are replaced to give the memory back.
    private const int RetainedCapacity = 16 * 1024;

    // Group commit: once this many rows are queued the writer stops lingering and commits.
    private const int GroupCommitRows = 512;

    private void Run()
    {
        try
        {
            using var statements = new WriterStatements(connection);
            var lastId = connection.Scalar("SELECT max(id) FROM entries");
            var firstId = connection.Scalar("SELECT min(id) FROM entries");
            var batch = new List<JournalEntry>(256);
            while (true)
            {
                options.WriterGate?.Wait();
                lock (gate)
                {
                    while (queue.Count == 0 && !stopping)
                    {
                        Monitor.Wait(gate);
                    }

                    if (queue.Count == 0)
                    {
                        break;
                    }

                    // Group commit: every transaction costs its locks, WAL frames and page writes, which for a line
                    // or two per Accept=yes connection was most of the journal's cost. Linger for more lines, unless
                    // someone waits in Flush, the manager stops, or a group is already full.
                    var lingerUntil = Environment.TickCount64 + (long)options.CommitDelay.TotalMilliseconds;
                    while (queue.Count < GroupCommitRows && !stopping && flushers == 0)
                    {
                        var left = lingerUntil - Environment.TickCount64;
                        if (left <= 0)
                        {
                            break;
                        }

                        Monitor.Wait(gate, (int)left);
                    }

                    (queue, batch) = (batch, queue);
                }

                if (Commit(statements, batch, ref firstId, ref lastId))
                {
                    var total = Interlocked.Add(ref committed, batch.Count);
                    MirrorBatch(batch);
                    RaiseBatchCommitted(total);
                }
                else
                {
                    Interlocked.Add(ref dropped, batch.Count);
                }

                lock (gate)
                {
                    processed += batch.Count;
                    Monitor.PulseAll(gate);
                }

                batch.Clear();
                if (batch.Capacity > RetainedCapacity)
                {
                    batch = new List<JournalEntry>(256);
                }
            }
        }
        catch (Exception ex)
        {
            // Only reachable if the database cannot even be read at start; record it, drop the rest.
            Volatile.Write(ref lastError, ex);
        }
        finally
        {
            connection.Dispose();
            lock (gate)
            {
                stopping = true;
                finished = true;
                Interlocked.Add(ref dropped, queue.Count);
                queue.Clear();
                Monitor.PulseAll(gate);
            }

            stopped.TrySetResult();
        }
    }

    /// <summary>Inserts the batch and deletes the rows past <see cref="JournalWriterOptions.MaxRows"/> in one transaction.</summary>
    private bool Commit(WriterStatements statements, List<JournalEntry> batch, ref long firstId, ref long lastId)
    {
        try
        {
            statements.Begin();
            try
            {
                statements.Insert(batch);
                var newLast = lastId + batch.Count;   // ids are rowids: max(id) + 1 each, contiguous after prefix deletes
                var newFirst = firstId == 0 ? 1 : firstId;
                if (newLast - newFirst + 1 > options.MaxRows)
                {
                    newFirst = newLast - options.MaxRows + 1;
                    statements.DeleteBefore(newFirst);
                }

                statements.Commit();
                lastId = newLast;
                firstId = newFirst;
                return true;
            }
            catch (SqliteException)
            {
                statements.Rollback();
                throw;
            }
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            Interlocked.Increment(ref failedBatches);
            Volatile.Write(ref lastError, ex);
            return false;
        }
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

    private void MirrorBatch(List<JournalEntry> batch)
    {
        var mirror = options.Mirror;
        if (mirror is null)
        {
            return;
        }

        try
        {
            foreach (var entry in batch)
            {
                if (entry.IsManagerLine)
                {
                    mirror.WriteLine(entry.Message);
                }
                else if (options.MirrorServiceOutput)
                {
                    mirror.WriteLine($"{entry.Identifier}[{entry.Pid}]: {entry.Message}");
                }
            }

            mirror.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // stderr closed or broken: the journal itself is what matters.
        }
    }

    /// <summary>
    /// The writer's statements, prepared once and driven through SQLitePCL's raw API on the connection's handle (bind,
    /// step, reset): BEGIN, the INSERT for every row, the rotation DELETE, COMMIT. SqliteCommand per row and
    /// SqliteTransaction per batch (statement enumeration, parameter lookup by name, boxing, BEGIN/COMMIT parsed anew
    /// each time) cost more than SQLite's own work.
    /// </summary>
    private sealed class WriterStatements : IDisposable
    {
        private const int Time = 1, Unit = 2, Identifier = 3, Pid = 4, Priority = 5, Message = 6;
        private readonly JournalConnection connection;
        private readonly sqlite3_stmt begin, commit, rollback, insert, delete;

        internal WriterStatements(JournalConnection connection)
        {
            this.connection = connection;
            begin = Prepare("BEGIN");
            commit = Prepare("COMMIT");
            rollback = Prepare("ROLLBACK");
            insert = Prepare(JournalDatabase.Insert);
            delete = Prepare("DELETE FROM entries WHERE id < ?1");
        }

        internal void Begin() => Step(begin);

        internal void Commit() => Step(commit);

        /// <summary>Best effort: after a failed step SQLite may already have rolled the transaction back.</summary>
        internal void Rollback()
        {
            raw.sqlite3_step(rollback);
            raw.sqlite3_reset(rollback);
        }

        internal void Insert(List<JournalEntry> batch)
        {
            foreach (var entry in batch)
            {
                raw.sqlite3_bind_int64(insert, Time, JournalDatabase.ToMicroseconds(entry.Time));
                if (entry.Unit is { } unit)
                {
                    raw.sqlite3_bind_text(insert, Unit, unit);
                }
                else
                {
                    raw.sqlite3_bind_null(insert, Unit);
                }

                raw.sqlite3_bind_text(insert, Identifier, entry.Identifier ?? string.Empty);
                raw.sqlite3_bind_int(insert, Pid, entry.Pid);
                raw.sqlite3_bind_int(insert, Priority, Math.Clamp(entry.Priority, SyslogPriority.Emergency, SyslogPriority.Debug));
                raw.sqlite3_bind_text(insert, Message, entry.Message ?? string.Empty);
                Step(insert);
            }
        }

        internal void DeleteBefore(long firstKept)
        {
            raw.sqlite3_bind_int64(delete, 1, firstKept);
            Step(delete);
        }

        public void Dispose()
        {
            begin.Dispose();
            commit.Dispose();
            rollback.Dispose();
            insert.Dispose();
            delete.Dispose();
        }

        private sqlite3_stmt Prepare(string sql)
        {
            int rc = raw.sqlite3_prepare_v3(connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out sqlite3_stmt statement, out _);
            if (rc != raw.SQLITE_OK)
            {
                throw Error(rc);
            }

            return statement;
        }

        private void Step(sqlite3_stmt statement)
        {
            int rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                throw Error(rc);
            }
        }

        private SqliteException Error(int rc) => connection.Error(rc);
    }
}
