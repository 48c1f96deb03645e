using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Summon.Journal;

/// <summary>
/// Reads the journal through its own read-only connection. In WAL mode a reader sees the last committed state and
/// never blocks the writer (nor is blocked by it). Not thread-safe: one reader per caller.
/// </summary>
/// <remarks>
/// A journal that cannot be opened (permission, not a database) throws <see cref="JournalUnreadableException"/>, one
/// line for the user; a damaged one still gives what can be read (the table walked in id order from both ends, up to
/// the damage) and says so in <see cref="Problem"/>, as journalctl reads around a corrupted file.
/// </remarks>
internal sealed class JournalReader : IDisposable
{
    private const string Columns = "id, time, unit, identifier, pid, priority, message, fields";

    /// <summary>The columns of a journal written before the fields column existed (read-only here, never altered).</summary>
    private const string ColumnsWithoutFields = "id, time, unit, identifier, pid, priority, message, NULL";

    private readonly SqliteConnection connection;

    private readonly bool hasFields;

    private JournalReader(SqliteConnection connection)
    {
        this.connection = connection;
        hasFields = JournalDatabase.Scalar(connection, JournalDatabase.HasFieldsColumn) > 0;
    }

    /// <summary>Path of the journal database file.</summary>
    public string DatabasePath => connection.DataSource;

    /// <summary>What went wrong while reading, in one line (the entries returned are what could be read); null if nothing.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Opens the journal under <paramref name="stateDirectory"/> read-only; null if no journal exists there yet.
    /// Throws <see cref="JournalUnreadableException"/> when one exists and cannot be read.
    /// </summary>
    public static JournalReader? TryOpen(string stateDirectory)
    {
        var path = JournalDatabase.PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            if (Directory.Exists(stateDirectory) && !CanList(stateDirectory))
            {
                throw Denied(stateDirectory);
            }

            return null;
        }

        SqliteConnection? connection = null;
        try
        {
            connection = JournalDatabase.Open(path, SqliteOpenMode.ReadOnly);
            if (JournalDatabase.Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entries'") == 0)
            {
                connection.Dispose();
                return null;   // created by a writer that has not yet written its schema
            }
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw e.SqliteErrorCode is raw.SQLITE_CANTOPEN or raw.SQLITE_PERM or raw.SQLITE_AUTH && !CanRead(path)
                ? Denied(stateDirectory)
                : new JournalUnreadableException($"Failed to read the journal {path}: {Describe(e)}.", e);
        }

        return new JournalReader(connection);
    }

    /// <summary>
    /// The entries matching <paramref name="query"/>, oldest first (by time, then append order); with
    /// <see cref="JournalQuery.Lines"/> = N, the newest N of them, still oldest first.
    /// </summary>
    public IReadOnlyList<JournalEntry> Query(JournalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return QueryIndexed(query);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB)
        {
            Problem = $"Journal file {DatabasePath} is corrupted ({Describe(e)}); showing the entries that could be read.";
            return Salvage(query);
        }
        catch (SqliteException e)
        {
            throw new JournalUnreadableException($"Failed to read the journal {DatabasePath}: {Describe(e)}.", e);
        }
    }

    private IReadOnlyList<JournalEntry> QueryIndexed(JournalQuery query)
    {
        if (query.Lines is int lines)
        {
            if (lines <= 0 || query.Units is { Count: 0 })
            {
                return [];
            }

            if (query.Units is { Count: > 1 } units)
            {
                // One index range scan per unit, then merge: an IN list would defeat the (unit, time) index's order
                // and sort every row of those units to find the last N.
                var merged = new List<JournalEntry>();
                foreach (var unit in units.Distinct(StringComparer.Ordinal))
                {
                    merged.AddRange(Run(query with { Units = [unit] }));
                }

                merged.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Cursor.CompareTo(b.Cursor));
                return merged.Count > lines ? merged.GetRange(merged.Count - lines, lines) : merged;
            }
        }

        return Run(query);
    }

    /// <summary>The cursor of the newest entry (0 when the journal is empty): where a follower starts.</summary>
    public long LastCursor()
    {
        try
        {
            return JournalDatabase.Scalar(connection, "SELECT max(id) FROM entries");
        }
        catch (SqliteException e)
        {
            throw new JournalUnreadableException($"Failed to read the journal {DatabasePath}: {Describe(e)}.", e);
        }
    }

    /// <summary>
    /// Every unit name the journal holds lines of, sorted: journalctl matches <c>-u</c> globs against these. One index
    /// seek per name (min above the last), so the cost follows the number of units, not of lines.
    /// </summary>
    public IReadOnlyList<string> Units()
    {
        var units = new List<string>();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT min(unit) FROM entries WHERE unit > $after";
            var after = command.Parameters.AddWithValue("$after", string.Empty);
            while (command.ExecuteScalar() is string unit)
            {
                units.Add(unit);
                after.Value = unit;
            }
        }
        catch (SqliteException e)
        {
            throw new JournalUnreadableException($"Failed to read the journal {DatabasePath}: {Describe(e)}.", e);
        }

        return units;
    }

    /// <summary>SQLite's plan for the query (EXPLAIN QUERY PLAN details, one per line), for tests of index use.</summary>
    internal string Explain(JournalQuery query)
    {
        using var command = Build(query);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        using var reader = command.ExecuteReader();
        var plan = new StringBuilder();
        while (reader.Read())
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }

    public void Dispose() => connection.Dispose();

    internal static JournalUnreadableException Denied(string stateDirectory) => new(
        $"No journal files were opened due to insufficient permissions: {stateDirectory} is private to the manager's user; run as root or as that user.");

    private static string Describe(SqliteException e) => raw.sqlite3_errstr(e.SqliteErrorCode).utf8_to_string();

    private static bool CanList(string directory)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            entries.MoveNext();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool CanRead(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The damaged journal's readable rows: the table walked by id (no index) from the start up to the damage and from
    /// the end back down to it, filtered as asked, then ordered and cut as <see cref="Query"/> does.
    /// </summary>
    private List<JournalEntry> Salvage(JournalQuery query)
    {
        var found = new List<JournalEntry>();
        long stoppedAt = long.MaxValue;
        foreach (var descending in (bool[])[false, true])
        {
            try
            {
                using var command = Build(query with { Lines = null }, salvage: descending ? "DESC" : "ASC");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var entry = Read(reader);
                    if (descending && entry.Cursor <= stoppedAt)
                    {
                        break;
                    }

                    found.Add(entry);
                    if (!descending)
                    {
                        stoppedAt = entry.Cursor;
                    }
                }

                if (!descending)
                {
                    break;   // the forward walk reached the end: nothing is damaged on the way
                }
            }
            catch (SqliteException)
            {
                if (!descending && found.Count == 0)
                {
                    stoppedAt = 0;
                }
            }
        }

        found.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Cursor.CompareTo(b.Cursor));
        return query.Lines is int lines && found.Count > lines ? found.GetRange(found.Count - Math.Max(lines, 0), Math.Max(lines, 0)) : found;
    }

    private static JournalEntry Read(SqliteDataReader reader) => new(
        JournalDatabase.FromMicroseconds(reader.GetInt64(1)),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetString(3),
        reader.GetInt32(4),
        reader.GetInt32(5),
        reader.GetString(6))
    {
        Cursor = reader.GetInt64(0),
        Fields = reader.IsDBNull(7) ? null : reader.GetString(7),
    };

    private List<JournalEntry> Run(JournalQuery query)
    {
        using var command = Build(query);
        using var reader = command.ExecuteReader();
        var entries = new List<JournalEntry>();
        while (reader.Read())
        {
            entries.Add(Read(reader));
        }

        if (query.Lines is not null)
        {
            entries.Reverse();
        }

        return entries;
    }

    private SqliteCommand Build(JournalQuery query, string? salvage = null)
    {
        var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Units is { } units)
        {
            var names = new List<string>();
            foreach (var unit in units.Distinct(StringComparer.Ordinal))
            {
                var name = "$u" + names.Count;
                names.Add(name);
                command.Parameters.AddWithValue(name, unit);
            }

            where.Add(names.Count switch
            {
                0 => "0",
                1 => "unit = " + names[0],
                _ => "unit IN (" + string.Join(", ", names) + ")",
            });
        }

        if (query.Since is { } since)
        {
            where.Add("time >= $since");
            command.Parameters.AddWithValue("$since", JournalDatabase.ToMicroseconds(since));
        }

        if (query.Until is { } until)
        {
            where.Add("time <= $until");
            command.Parameters.AddWithValue("$until", JournalDatabase.ToMicroseconds(until));
        }

        if (query.MinPriority is { } minPriority)
        {
            where.Add("priority >= $minPriority");
            command.Parameters.AddWithValue("$minPriority", minPriority);
        }

        if (query.MaxPriority is { } maxPriority)
        {
            where.Add("priority <= $priority");
            command.Parameters.AddWithValue("$priority", maxPriority);
        }

        if (query.AfterCursor is { } cursor)
        {
            where.Add("id > $cursor");
            command.Parameters.AddWithValue("$cursor", cursor);
        }

        var sql = new StringBuilder("SELECT ").Append(hasFields ? Columns : ColumnsWithoutFields).Append(" FROM entries");
        if (salvage is not null || (query.AfterCursor is not null && query.Lines is null))
        {
            sql.Append(" NOT INDEXED");   // the rowid still serves id ranges; a follower's unit filter must not pick the unit index
        }

        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        if (salvage is not null)
        {
            sql.Append(" ORDER BY id ").Append(salvage);
        }
        else if (query.Lines is { } lines)
        {
            sql.Append(" ORDER BY time DESC, id DESC LIMIT $lines");
            command.Parameters.AddWithValue("$lines", Math.Max(lines, 0));
        }
        else if (query.AfterCursor is not null)
        {
            sql.Append(" ORDER BY id");   // a follower's new rows: a rowid range scan, whatever the other filters
        }
        else
        {
            sql.Append(" ORDER BY time, id");
        }

        command.CommandText = sql.ToString();
        return command;
    }
}
