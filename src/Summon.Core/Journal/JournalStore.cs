using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>
/// The writer's open database: the connection, its prepared statements and the id range the rotation keeps. Every
/// method throws what SQLite or the file system throws; <see cref="JournalWriter"/> decides what a failure means.
/// </summary>
internal sealed class JournalStore : IDisposable
{
    private readonly JournalConnection connection;
    private readonly JournalStatements statements;
    private readonly long maxRows;
    private long firstId;
    private long lastId;

    private JournalStore(JournalConnection connection, JournalStatements statements, long maxRows, long firstId, long lastId)
    {
        this.connection = connection;
        this.statements = statements;
        this.maxRows = maxRows;
        this.firstId = firstId;
        this.lastId = lastId;
    }

    public string DatabasePath => connection.DataSource;

    /// <summary>Opens (creating, private to its owner) the journal under <paramref name="stateDirectory"/>.</summary>
    public static JournalStore Open(string stateDirectory, JournalWriterOptions options)
    {
        JournalFiles.Prepare(stateDirectory);
        var connection = JournalConnection.OpenReadWrite(JournalDatabase.PathIn(stateDirectory));
        try
        {
            connection.Execute("PRAGMA journal_mode=WAL");
            connection.Execute(options.SyncEveryCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            // Checkpoints truncate the -wal back to this size, so a burst does not leave a large file behind.
            connection.Execute("PRAGMA journal_size_limit=4194304");
            connection.Execute(JournalDatabase.CreateSchema);
            if (connection.Scalar(JournalDatabase.HasFieldsColumn) == 0)
                connection.Execute(JournalDatabase.AddFieldsColumn);
            var lastId = connection.Scalar("SELECT max(id) FROM entries");
            var firstId = connection.Scalar("SELECT min(id) FROM entries");
            return new JournalStore(connection, new JournalStatements(connection), options.MaxRows, firstId, lastId);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>SQLite says the file is damaged or not a database: it must be moved aside, not retried.</summary>
    public static bool IsDamage(Exception error) =>
        error is SqliteException { SqliteErrorCode: raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB };

    /// <summary>A failure of the storage (SQLite, the file system), as opposed to a bug; a JIT run without the
    /// system's SQLite library is one too, so the journal runs on the console, as for an unopenable file.</summary>
    public static bool IsStorageFailure(Exception error) =>
        error is SqliteException or IOException or UnauthorizedAccessException or DllNotFoundException;

    /// <summary>One line for the console: SQLite's own words without the "SQLite Error N:" prefix.</summary>
    public static string Describe(Exception error) => error switch
    {
        SqliteException sqlite => raw.sqlite3_errstr(sqlite.SqliteErrorCode).utf8_to_string(),
        _ => error.Message,
    };

    /// <summary>Inserts the notices and the batch and rotates past the row cap, in one transaction.</summary>
    public void Commit(List<JournalEntry> notices, List<JournalQueuedEntry> batch)
    {
        statements.Begin();
        try
        {
            foreach (var notice in notices)
            {
                statements.Insert(notice);
            }

            long rows = notices.Count;
            foreach (var queued in batch)
            {
                if (queued.Entry is { } entry)
                {
                    statements.Insert(entry);
                }
                else
                {
                    statements.Insert(queued.Block!);
                }

                rows += queued.Rows;
            }

            var newLast = lastId + rows;   // ids are rowids: max(id) + 1 each, contiguous after prefix deletes
            var newFirst = firstId == 0 ? 1 : firstId;
            if (newLast - newFirst + 1 > maxRows)
            {
                newFirst = newLast - maxRows + 1;
                statements.DeleteBefore(newFirst);
            }

            statements.Commit();
            lastId = newLast;
            firstId = newFirst;
        }
        catch
        {
            statements.Rollback();
            throw;
        }
    }

    public void Dispose()
    {
        statements.Dispose();
        connection.Dispose();
    }
}
