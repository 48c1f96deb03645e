using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>
/// The writer's statements, prepared once and driven through SQLitePCL's raw API on the connection's handle (bind,
/// step, reset): BEGIN, the INSERT for every row, the rotation DELETE, COMMIT. SqliteCommand per row and
/// SqliteTransaction per batch (statement enumeration, parameter lookup by name, boxing, BEGIN/COMMIT parsed anew
/// each time) cost more than SQLite's own work. Text is bound as UTF-8 from one reused buffer: the string overload
/// of bind_text allocates a new array per value.
/// </summary>
internal sealed class JournalStatements : IDisposable
{
    private const int Time = 1, Unit = 2, Identifier = 3, Pid = 4, Priority = 5, Message = 6, Fields = 7;
    private readonly JournalConnection connection;
    private readonly sqlite3_stmt begin, commit, rollback, insert, delete;
    private byte[] utf8 = new byte[4096];

    internal JournalStatements(JournalConnection connection)
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

    internal void Insert(JournalEntry entry)
    {
        raw.sqlite3_bind_int64(insert, Time, JournalDatabase.ToMicroseconds(entry.Time));
        if (entry.Unit is { } unit)
        {
            BindText(Unit, unit);
        }
        else
        {
            raw.sqlite3_bind_null(insert, Unit);
        }

        BindText(Identifier, entry.Identifier ?? string.Empty);
        raw.sqlite3_bind_int(insert, Pid, entry.Pid);
        raw.sqlite3_bind_int(insert, Priority, Math.Clamp(entry.Priority, SyslogPriority.Emergency, SyslogPriority.Debug));
        BindText(Message, entry.Message ?? string.Empty);
        raw.sqlite3_bind_null(insert, Fields);
        Step(insert);
    }

    /// <summary>
    /// A block's rows: who wrote them is bound once (SQLite keeps a binding across resets), each row binds only its
    /// time, priority and message, the message as the UTF-8 bytes the block holds.
    /// </summary>
    internal void Insert(JournalLineBlock block)
    {
        var source = block.Source;
        if (source.Unit is { } unit)
        {
            BindText(Unit, unit);
        }
        else
        {
            raw.sqlite3_bind_null(insert, Unit);
        }

        BindText(Identifier, source.Identifier);
        raw.sqlite3_bind_int(insert, Pid, source.Pid);
        if (source.Fields is { } fields)
            BindText(Fields, fields);
        else
            raw.sqlite3_bind_null(insert, Fields);
        foreach (var record in block)
        {
            raw.sqlite3_bind_int64(insert, Time, record.TimeMicroseconds);
            raw.sqlite3_bind_int(insert, Priority, Math.Clamp(record.Priority, SyslogPriority.Emergency, SyslogPriority.Debug));
            raw.sqlite3_bind_text(insert, Message, record.Message);
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

    /// <summary>SQLite copies the bytes (SQLITE_TRANSIENT), so the buffer is free again when this returns.</summary>
    private void BindText(int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > utf8.Length)
        {
            utf8 = new byte[Math.Max(length, utf8.Length * 2)];
        }

        var written = Encoding.UTF8.GetBytes(value, utf8);
        raw.sqlite3_bind_text(insert, index, utf8.AsSpan(0, written));
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
