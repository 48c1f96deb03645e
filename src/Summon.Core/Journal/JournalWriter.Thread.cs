using Microsoft.Data.Sqlite;

namespace Summon.Journal;

/// <summary>The writer thread: takes the whole queue, commits it as one transaction, rotates, mirrors.</summary>
public sealed partial class JournalWriter
{
    // After a burst the swapped lists keep their capacity; past this they are replaced to give the memory back.
    private const int RetainedCapacity = 16 * 1024;

    private void Run()
    {
        try
        {
            using var insert = new InsertCommand(connection);
            var lastId = JournalDatabase.Scalar(connection, "SELECT max(id) FROM entries");
            var firstId = JournalDatabase.Scalar(connection, "SELECT min(id) FROM entries");
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

                    (queue, batch) = (batch, queue);
                }

                if (Commit(insert, batch, ref firstId, ref lastId))
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
    private bool Commit(InsertCommand insert, List<JournalEntry> batch, ref long firstId, ref long lastId)
    {
        try
        {
            using var transaction = connection.BeginTransaction();
            insert.Run(transaction, batch);
            var newLast = lastId + batch.Count;   // ids are rowids: max(id) + 1 each, contiguous after prefix deletes
            var newFirst = firstId == 0 ? 1 : firstId;
            if (newLast - newFirst + 1 > options.MaxRows)
            {
                newFirst = newLast - options.MaxRows + 1;
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM entries WHERE id < $first";
                delete.Parameters.AddWithValue("$first", newFirst);
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
            lastId = newLast;
            firstId = newFirst;
            return true;
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

    /// <summary>The prepared INSERT, reused for every row of every batch.</summary>
    private sealed class InsertCommand : IDisposable
    {
        private readonly SqliteCommand command;
        private readonly SqliteParameter time, unit, identifier, pid, priority, message;

        internal InsertCommand(SqliteConnection connection)
        {
            command = connection.CreateCommand();
            command.CommandText = JournalDatabase.Insert;
            time = command.Parameters.Add("$time", SqliteType.Integer);
            unit = command.Parameters.Add("$unit", SqliteType.Text);
            identifier = command.Parameters.Add("$identifier", SqliteType.Text);
            pid = command.Parameters.Add("$pid", SqliteType.Integer);
            priority = command.Parameters.Add("$priority", SqliteType.Integer);
            message = command.Parameters.Add("$message", SqliteType.Text);
        }

        internal void Run(SqliteTransaction transaction, List<JournalEntry> batch)
        {
            command.Transaction = transaction;
            foreach (var entry in batch)
            {
                time.Value = JournalDatabase.ToMicroseconds(entry.Time);
                unit.Value = (object?)entry.Unit ?? DBNull.Value;
                identifier.Value = entry.Identifier ?? string.Empty;
                pid.Value = entry.Pid;
                priority.Value = Math.Clamp(entry.Priority, SyslogPriority.Emergency, SyslogPriority.Debug);
                message.Value = entry.Message ?? string.Empty;
                command.ExecuteNonQuery();
            }
        }

        public void Dispose() => command.Dispose();
    }
}
