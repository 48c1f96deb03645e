using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>
/// The on-disk shape of the journal: one SQLite database <c>journal.db</c> (plus its <c>-wal</c> and <c>-shm</c>)
/// under the state directory, one table, rows in append order.
/// </summary>
/// <remarks>
/// time is microseconds since the Unix epoch (journalctl's __REALTIME_TIMESTAMP). The index on (unit, time) serves
/// <c>-u UNIT -n N</c> and <c>--since</c> as a range scan from the end, whatever the table's size; the rowid (id) is
/// the cursor and the rotation key (rotation deletes a prefix of ids).
/// </remarks>
internal static class JournalDatabase
{
    internal const string FileName = "journal.db";

    internal const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS entries(
            id INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            unit TEXT,
            identifier TEXT NOT NULL,
            pid INTEGER NOT NULL,
            priority INTEGER NOT NULL,
            message TEXT NOT NULL,
            fields TEXT);
        CREATE INDEX IF NOT EXISTS entries_unit_time ON entries(unit, time);
        CREATE INDEX IF NOT EXISTS entries_time ON entries(time);
        """;

    /// <summary>One row; the writer binds the parameters by position, 1..7 in this order.</summary>
    internal const string Insert =
        "INSERT INTO entries(time, unit, identifier, pid, priority, message, fields) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

    /// <summary>A journal written before the fields column existed gets it (NULL in every old row).</summary>
    internal const string HasFieldsColumn = "SELECT count(*) FROM pragma_table_info('entries') WHERE name = 'fields'";

    internal const string AddFieldsColumn = "ALTER TABLE entries ADD COLUMN fields TEXT";

    private static readonly Lock initializing = new();
    private static volatile bool initialized;
    private static bool resolverSet;

    internal static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    internal static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        EnsureNativeLibrary();
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            // Pooling would keep the file open after Dispose; the daemon holds one connection for its lifetime
            // and the CLI opens one per invocation, so there is nothing to pool.
            Pooling = false,
            Cache = SqliteCacheMode.Private,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        // A small page cache keeps the daemon's idle RSS low; the queries are index range scans and need few pages.
        Execute(connection, "PRAGMA cache_size=-256");
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    internal static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    internal static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// Binds SQLitePCL to the "sqlite3" provider once. The AOT binary links SQLite statically (src/Summon/Summon.csproj),
    /// so nothing is loaded; a JIT run (dotnet run, dotnet test) loads the system's library by its soname, which the
    /// runtime's own probing ("libsqlite3.so", a development symlink) would miss.
    /// </summary>
    internal static void EnsureNativeLibrary()
    {
        if (initialized)
            return;
        // Under a lock: a second thread must not open a database between the flag and the provider (the provider is
        // set before the flag, so a thread that sees the flag finds the provider).
        lock (initializing)
        {
            if (initialized)
                return;
            // Once per process: a second resolver for the same assembly throws, and a failed load is tried again.
            if (RuntimeFeature.IsDynamicCodeSupported && !resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(SQLite3Provider_sqlite3).Assembly, ResolveSystemLibrary);
                resolverSet = true;
            }
            try
            {
                raw.SetProvider(new SQLite3Provider_sqlite3());
            }
            catch (DllNotFoundException)
            {
                throw new DllNotFoundException($"SQLite library {SystemLibrary} not found; install it (apt-get install libsqlite3-0) or run the published summon, which has SQLite built in");
            }
            initialized = true;
        }
    }

    private const string SystemLibrary = "libsqlite3.so.0";

    private static IntPtr ResolveSystemLibrary(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "sqlite3" && NativeLibrary.TryLoad(SystemLibrary, out IntPtr handle) ? handle : IntPtr.Zero;
}
