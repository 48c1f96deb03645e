using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>
/// The writer's database connection on SQLitePCL's raw API. SqliteConnection would start a pool-pruning timer (a
/// ".NET Timer" thread) and reflection in its static constructor, in a daemon that only ever holds this one handle.
/// </summary>
internal sealed class JournalConnection : IDisposable
{
    private JournalConnection(sqlite3 handle, string path)
    {
        Handle = handle;
        DataSource = path;
    }

    public sqlite3 Handle { get; }

    public string DataSource { get; }

    public static JournalConnection OpenReadWrite(string path)
    {
        JournalDatabase.EnsureNativeLibrary();
        int rc = raw.sqlite3_open_v2(path, out sqlite3 handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_PRIVATECACHE, null);
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errmsg(handle).utf8_to_string();
            handle.Dispose();
            throw new SqliteException($"SQLite Error {rc}: '{message}'.", rc);
        }
        var connection = new JournalConnection(handle, path);
        raw.sqlite3_busy_timeout(handle, 30_000);   // as SqliteCommand's default timeout: wait out a reader's lock
        connection.Execute("PRAGMA cache_size=-256");
        return connection;
    }

    public void Execute(string sql)
    {
        int rc = raw.sqlite3_exec(Handle, sql);
        if (rc != raw.SQLITE_OK)
            throw Error(rc);
    }

    public long Scalar(string sql)
    {
        int rc = raw.sqlite3_prepare_v2(Handle, sql, out sqlite3_stmt statement);
        if (rc != raw.SQLITE_OK)
            throw Error(rc);
        using (statement)
        {
            rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_ROW)
                return raw.sqlite3_column_type(statement, 0) == raw.SQLITE_INTEGER ? raw.sqlite3_column_int64(statement, 0) : 0;
            if (rc != raw.SQLITE_DONE)
                throw Error(rc);
            return 0;
        }
    }

    public SqliteException Error(int rc) => new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(Handle).utf8_to_string()}'.", rc);

    public void Dispose() => Handle.Dispose();
}
