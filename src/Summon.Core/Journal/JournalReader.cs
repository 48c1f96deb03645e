using System.Text;
using Microsoft.Data.Sqlite;

namespace Summon.Journal;

/// <summary>
/// Reads the journal through its own read-only connection. In WAL mode a reader sees the last committed state and
/// never blocks the writer (nor is blocked by it). Not thread-safe: one reader per caller.
/// </summary>
internal sealed class JournalReader : IDisposable
{
    private const string Columns = "id, time, unit, identifier, pid, priority, message";

    private readonly SqliteConnection connection;

    private JournalReader(SqliteConnection connection) => this.connection = connection;

    /// <summary>Path of the journal database file.</summary>
    public string DatabasePath => connection.DataSource;

    /// <summary>Opens the journal under <paramref name="stateDirectory"/> read-only; null if no journal exists there yet.</summary>
    public static JournalReader? TryOpen(string stateDirectory)
    {
        var path = JournalDatabase.PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        var connection = JournalDatabase.Open(path, SqliteOpenMode.ReadOnly);
        try
        {
            if (JournalDatabase.Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entries'") == 0)
            {
                connection.Dispose();
                return null;   // created by a writer that has not yet written its schema
            }
        }
        catch
        {
            connection.Dispose();
            throw;
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

    private List<JournalEntry> Run(JournalQuery query)
    {
        using var command = Build(query);
        using var reader = command.ExecuteReader();
        var entries = new List<JournalEntry>();
        while (reader.Read())
        {
            entries.Add(new JournalEntry(
                JournalDatabase.FromMicroseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetString(6))
            {
                Cursor = reader.GetInt64(0),
            });
        }

        if (query.Lines is not null)
        {
            entries.Reverse();
        }

        return entries;
    }

    private SqliteCommand Build(JournalQuery query)
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

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM entries");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        if (query.Lines is { } lines)
        {
            sql.Append(" ORDER BY time DESC, id DESC LIMIT $lines");
            command.Parameters.AddWithValue("$lines", Math.Max(lines, 0));
        }
        else
        {
            sql.Append(" ORDER BY time, id");
        }

        command.CommandText = sql.ToString();
        return command;
    }
}
