using System.Text;
using Microsoft.Data.Sqlite;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>
/// The journal degrades, never stops the manager, never hides a loss (issue 11, item 3): garbage, damaged, unopenable
/// and failing databases; file modes; back-pressure of one stream.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JournalDegradationTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    private string Database => Path.Combine(state.Path, "journal.db");

    private static JournalEntry Line(string? unit, string message, string identifier = "summon") =>
        new(DateTimeOffset.UtcNow, unit, identifier, 42, SyslogPriority.Info, message);

    private string[] Stored(string? unit = null)
    {
        using var reader = JournalReader.TryOpen(state.Path) ?? throw new InvalidOperationException("no journal");
        return reader.Query(new JournalQuery(Units: unit is null ? null : [unit])).Select(e => e.Message).ToArray();
    }

    [Fact]
    public void GarbageDatabase_IsMovedAside_AndANewJournalStarts_SayingSoOnce()
    {
        Directory.CreateDirectory(state.Path);
        var garbage = new byte[8192];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(Database, garbage);
        var console = new StringWriter();

        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { Mirror = console }))
        {
            Assert.True(writer.IsStoring);
            writer.Append(Line("a.service", "after the garbage"));
            writer.Flush();
        }

        var aside = Assert.Single(Directory.GetFiles(state.Path, "journal.db.corrupt-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
        var notice = Assert.Single(console.ToString().Split('\n'), l => l.Contains("is corrupted", StringComparison.Ordinal));
        Assert.Contains("moved aside to " + aside, notice, StringComparison.Ordinal);
        var stored = Stored();
        Assert.Contains("after the garbage", stored);
        Assert.Single(stored, m => m.Contains("moved aside to", StringComparison.Ordinal));
    }

    [Fact]
    public void DamagedPages_BehindAValidHeader_AreFoundAtOpen_AndMovedAside()
    {
        WriteRows(5_000);
        Damage(fromPage: 2, pages: 16);   // the table's root and the first leaves: max(id) cannot be read

        var console = new StringWriter();
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { Mirror = console }))
        {
            writer.Append(Line("a.service", "new journal"));
            writer.Flush();
            Assert.True(writer.IsStoring);
        }

        Assert.Single(Directory.GetFiles(state.Path, "journal.db.corrupt-*"));
        Assert.Contains("database disk image is malformed", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("new journal", Stored());
    }

    [Fact]
    public void DamagedPages_ReaderShowsWhatItCanAndSaysSo_NeverThrows()
    {
        WriteRows(20_000);
        var pages = new FileInfo(Database).Length / 4096;
        Damage(fromPage: pages / 3, pages: 4);

        using var reader = JournalReader.TryOpen(state.Path)!;
        var all = reader.Query(new JournalQuery());
        Assert.NotNull(reader.Problem);
        Assert.Contains("database disk image is malformed", reader.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reader.Problem);
        Assert.InRange(all.Count, 1_000, 19_999);
        Assert.Equal("row 19999", all[^1].Message);   // the newest lines, past the damage, are still shown
        Assert.Equal("row 0", all[0].Message);
        var tail = reader.Query(new JournalQuery(Units: ["a.service"], Lines: 3));
        Assert.Equal(["row 19997", "row 19998", "row 19999"], tail.Select(e => e.Message));
    }

    [Fact]
    public void GarbageDatabase_ReaderThrowsOneLine()
    {
        Directory.CreateDirectory(state.Path);
        File.WriteAllBytes(Database, new byte[8192]);
        File.WriteAllText(Database, "this is not a database, just text that fills the header and more of it........");
        var error = Assert.Throws<JournalUnreadableException>(() => JournalReader.TryOpen(state.Path)?.Query(new JournalQuery()));
        Assert.Contains(Database, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void UnopenableDirectory_RunsOnTheConsoleAlone_SayingSoOnce()
    {
        // A directory that cannot be created (its parent is a file) behaves as a read-only one, for root as well.
        var parent = Path.GetDirectoryName(state.Path)!;
        Directory.CreateDirectory(parent);
        File.WriteAllText(state.Path, "a file where the state directory should be");
        var stateDirectory = Path.Combine(state.Path, "state");
        var console = new StringWriter();

        using (var writer = JournalWriter.Open(stateDirectory, new JournalWriterOptions { Mirror = console }))
        {
            Assert.False(writer.IsStoring);
            writer.Append(Line(null, "Listening on a.socket."));
            writer.Append(Line("a.service", "service output", identifier: "cat"));
            writer.Flush();
            Assert.Equal(0, writer.Dropped);
        }

        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith($"Failed to open the journal {Path.Combine(stateDirectory, "journal.db")}:", StringComparison.Ordinal) && l.Contains("console only", StringComparison.Ordinal));
        Assert.Contains("Listening on a.socket.", lines);
        Assert.Contains("cat[42]: service output", lines);
    }

    [Fact]
    public void FailingWrites_AreCountedPerUnit_SaidOnce_AndReportedInTheJournalWhenWritingWorksAgain()
    {
        var console = new StringWriter();
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { Mirror = console });
        writer.Append(Line("a.service", "stored"));
        writer.Flush();
        Vandalize("ALTER TABLE entries RENAME TO gone");

        for (var i = 0; i < 3; i++)
        {
            writer.Append(Line("a.service", $"lost {i}", identifier: "a"));
            writer.Flush();
        }

        writer.Append(Line("b.service", "lost b", identifier: "b"));
        writer.Flush();
        Assert.Equal(3, writer.SuppressedFor("a.service"));
        Assert.Equal(1, writer.SuppressedFor("b.service"));
        Assert.Single(console.ToString().Split('\n'), l => l.StartsWith("Failed to write to the journal", StringComparison.Ordinal));

        Vandalize("ALTER TABLE gone RENAME TO entries");
        writer.Append(Line("a.service", "stored again"));
        writer.Flush();
        Assert.Equal(["stored", "stored again", "Suppressed 3 messages from a.service"], Stored("a.service"));   // the report is dated when it is written
        Assert.Contains("Suppressed 1 messages from b.service", Stored("b.service"));
        Assert.Contains(Stored(), m => m.StartsWith("Failed to write to the journal", StringComparison.Ordinal));
        Assert.Contains("Suppressed 3 messages from a.service", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TightensWiderModesOfAnExistingJournal()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            writer.Append(Line("a.service", "x"));
        }

        File.SetUnixFileMode(state.Path, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Database, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            writer.Append(Line("a.service", "y"));
            writer.Flush();
            Assert.Equal(PrivateDirectory, File.GetUnixFileMode(state.Path));
            foreach (var file in Directory.GetFiles(state.Path))
            {
                Assert.Equal(Private, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public void Backlog_PausesItsStreamAtHighWater_AndCallsBackOnceDrainedToLowWater()
    {
        using var gate = new ManualResetEventSlim(false);
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { WriterGate = gate });
        using var drained = new ManualResetEventSlim(false);
        var backlog = new JournalBacklog(drained.Set);
        var lines = new JournalLineBuffer(writer, backlog);
        var source = new JournalStreamSource("flood.service", "flood", 7);
        try
        {
            for (var i = 0; !backlog.IsFull; i++)
            {
                lines.Record(source, DateTimeOffset.UtcNow, SyslogPriority.Info, Encoding.UTF8.GetBytes($"line {i}"));
                if (i % 100 == 99)
                {
                    lines.Flush();
                }
            }

            Assert.True(backlog.IsFull);
            Assert.True(backlog.TryPause());
            gate.Set();
            Assert.True(drained.Wait(TimeSpan.FromSeconds(30)));
            Assert.InRange(backlog.Pending, 0, JournalBacklog.LowWater);
            writer.Flush();
            Assert.Equal(0, writer.Dropped);
        }
        finally
        {
            gate.Set();
            writer.Dispose();
        }
    }

    [Fact]
    public void MissingSqliteLibrary_IsAStorageFailure_SoTheJournalRunsOnTheConsole()
    {
        // A JIT run (dotnet run) on a machine without libsqlite3.so.0: the manager must degrade, not die.
        Assert.True(JournalStore.IsStorageFailure(new DllNotFoundException("SQLite library libsqlite3.so.0 not found")));
        Assert.False(JournalStore.IsStorageFailure(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void Backlog_TryPauseAfterTheWriterDrainedIt_DoesNotPause()
    {
        var called = 0;
        var backlog = new JournalBacklog(() => called++);
        backlog.Added(100);
        backlog.Processed(100);
        Assert.False(backlog.TryPause());
        Assert.Equal(0, called);
    }

    private void WriteRows(int count)
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < count; i++)
        {
            writer.Append(new JournalEntry(t0.AddMilliseconds(i), "a.service", "a", 7, SyslogPriority.Info, $"row {i}"));
        }
    }

    /// <summary>Overwrites whole pages (SQLite's default 4096 bytes) with garbage, keeping the header page.</summary>
    private void Damage(long fromPage, int pages)
    {
        Assert.False(File.Exists(Database + "-wal") && new FileInfo(Database + "-wal").Length > 0, "the writer checkpoints on close");
        using var file = new FileStream(Database, FileMode.Open, FileAccess.Write);
        var junk = new byte[4096 * pages];
        new Random(3).NextBytes(junk);
        file.Position = (fromPage - 1) * 4096;
        file.Write(junk);
    }

    private void Vandalize(string sql)
    {
        using var vandal = new SqliteConnection($"Data Source={Database};Pooling=False");
        vandal.Open();
        using var command = vandal.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
