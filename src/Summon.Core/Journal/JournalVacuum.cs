using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>What a vacuum removed from the database at <paramref name="DatabasePath"/>: rows, and the bytes the journal's files took before and after.</summary>
internal sealed record JournalVacuumResult(string DatabasePath, long DeletedEntries, long BytesBefore, long BytesAfter);

/// <summary>
/// journalctl's <c>--vacuum-time=</c> and <c>--vacuum-size=</c> over our one database: the oldest rows are deleted
/// (older than a time, or until the files fit a size), then the file is compacted (VACUUM and a truncating
/// checkpoint) so the space goes back to the file system. Safe beside a running manager: SQLite serialises the two
/// writers, each waiting out the other's lock. The newest row always stays, as journalctl never removes the active
/// file; it also keeps the rowids, the followers' cursors, increasing.
/// </summary>
internal static class JournalVacuum
{
    /// <summary>Null when there is no journal under <paramref name="stateDirectory"/>.</summary>
    public static JournalVacuumResult? Run(string stateDirectory, DateTimeOffset? olderThan, long? maxBytes)
    {
        var path = JournalDatabase.PathIn(stateDirectory);
        if (!File.Exists(path))
            return null;
        long before = JournalDiskUsage.Bytes(stateDirectory);
        long deleted = 0;
        try
        {
            using var connection = JournalDatabase.Open(path, SqliteOpenMode.ReadWrite);
            long newest = JournalDatabase.Scalar(connection, "SELECT max(id) FROM entries");
            if (olderThan is { } time)
            {
                deleted += Delete(connection, "DELETE FROM entries WHERE time < $value AND id < $newest", JournalDatabase.ToMicroseconds(time), newest);
                Compact(connection);
            }

            // Rows differ in size: delete the share of rows the excess is of the file, compact, and measure again.
            for (int round = 0; maxBytes is { } limit && round < 8; round++)
            {
                long size = JournalDiskUsage.Bytes(stateDirectory);
                long rows = JournalDatabase.Scalar(connection, "SELECT count(*) FROM entries");
                if (size <= limit || rows <= 1)
                    break;
                long excess = (long)Math.Ceiling((size - limit) * (double)rows / size);
                long first = JournalDatabase.Scalar(connection, "SELECT min(id) FROM entries");
                deleted += Delete(connection, "DELETE FROM entries WHERE id < $value AND id < $newest", first + Math.Max(excess, 1), newest);
                Compact(connection);
            }
        }
        catch (SqliteException e)
        {
            throw new JournalUnreadableException(
                $"Failed to vacuum the journal {path}: {raw.sqlite3_errstr(e.SqliteErrorCode).utf8_to_string()}.", e);
        }

        return new JournalVacuumResult(path, deleted, before, JournalDiskUsage.Bytes(stateDirectory));
    }

    private static long Delete(SqliteConnection connection, string sql, long value, long newest)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$newest", newest);
        return command.ExecuteNonQuery();
    }

    private static void Compact(SqliteConnection connection)
    {
        JournalDatabase.Execute(connection, "VACUUM");
        JournalDatabase.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
}
