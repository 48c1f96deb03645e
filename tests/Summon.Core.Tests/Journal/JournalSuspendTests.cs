using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>
/// The re-exec's pause of the journal (docs/reexec.md): Suspend commits what was appended and closes the database;
/// lines appended meanwhile wait, and Resume (after a failed execve) opens it again and commits them: nothing is lost.
/// </summary>
public sealed class JournalSuspendTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 21, 0, 0, TimeSpan.Zero);

    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    private static JournalEntry Entry(int second, string message) => new(T0.AddSeconds(second), null, "summon", 1234, SyslogPriority.Info, message);

    private string[] Stored()
    {
        using var reader = JournalReader.TryOpen(state.Path) ?? throw new InvalidOperationException("no journal");
        return reader.Query(new JournalQuery()).Select(e => e.Message).ToArray();
    }

    [Fact]
    public void Suspend_commits_and_closes_and_resume_commits_what_waited()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(0, "before"));
        writer.Append(Entry(1, "Reexecuting (binary /proc/self/exe)."));

        Assert.True(writer.Suspend(TimeSpan.FromSeconds(30)));
        // The last connection closed: SQLite checkpointed and removed the WAL.
        Assert.False(File.Exists(Path.Combine(state.Path, "journal.db-wal")));
        Assert.False(writer.IsStoring);
        Assert.Equal(["before", "Reexecuting (binary /proc/self/exe)."], Stored());

        writer.Append(Entry(2, "while suspended"));
        Assert.Equal(2, Stored().Length);

        writer.Resume();
        writer.Flush();
        Assert.True(writer.IsStoring);
        Assert.Equal(["before", "Reexecuting (binary /proc/self/exe).", "while suspended"], Stored());
    }

    [Fact]
    public void A_writer_suspended_and_disposed_loses_nothing_appended_before()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            writer.Append(Entry(0, "one"));
            Assert.True(writer.Suspend(TimeSpan.FromSeconds(30)));
            writer.Append(Entry(1, "two"));
        }

        Assert.Equal(["one", "two"], Stored());
    }
}
