using Microsoft.Data.Sqlite;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>The fields column (SyslogFacility=, LogExtraFields=) on a journal written before it existed.</summary>
public sealed class JournalFieldsColumnTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_old_journal_is_read_as_it_is_and_gains_the_column_when_a_writer_opens_it()
    {
        Directory.CreateDirectory(state.Path);
        string path = Path.Combine(state.Path, "journal.db");
        using (var old = JournalDatabase.Open(path, SqliteOpenMode.ReadWriteCreate))
        {
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE entries(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, unit TEXT, identifier TEXT NOT NULL,
                    pid INTEGER NOT NULL, priority INTEGER NOT NULL, message TEXT NOT NULL);
                INSERT INTO entries(time, unit, identifier, pid, priority, message) VALUES(1, 'a.service', 'a', 7, 6, 'before');
                """;
            create.ExecuteNonQuery();
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using (var reader = JournalReader.TryOpen(state.Path)!)
            Assert.Equal([("before", (string?)null)], reader.Query(new JournalQuery()).Select(e => (e.Message, e.Fields)));

        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
            writer.Append(new JournalEntry(T0, "a.service", "summon", 1, 6, "after"));

        using var again = JournalReader.TryOpen(state.Path)!;
        Assert.Equal(["before", "after"], again.Query(new JournalQuery()).Select(e => e.Message));
    }
}
