using System.Text;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

public sealed class JournalWriterReaderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 4, 22, 2, 44, 41, TimeSpan.Zero);

    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    private static JournalEntry Entry(int second, string? unit, string message, int priority = SyslogPriority.Info, string identifier = "summon", int pid = 1234)
        => new(T0.AddSeconds(second), unit, identifier, pid, priority, message);

    private static string[] Messages(IEnumerable<JournalEntry> entries) => entries.Select(e => e.Message).ToArray();

    private JournalReader OpenReader() => JournalReader.TryOpen(state.Path) ?? throw new InvalidOperationException("no journal");

    private void Write(params JournalEntry[] entries)
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        foreach (var entry in entries)
        {
            writer.Append(entry);
        }
    }

    [Fact]
    public void TryOpen_NoJournalYet_ReturnsNull()
    {
        Assert.Null(JournalReader.TryOpen(state.Path));
        Directory.CreateDirectory(state.Path);
        Assert.Null(JournalReader.TryOpen(state.Path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Open_CreatesPrivateDirectoryAndWalDatabase()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            Assert.Equal(Path.Combine(state.Path, "journal.db"), writer.DatabasePath);
            Assert.True(File.Exists(Path.Combine(state.Path, "journal.db-wal")));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state.Path, "journal.db")));
        using var reader = OpenReader();
        Assert.Empty(reader.Query(new JournalQuery()));
    }

    [Fact]
    public void RoundTrip_KeepsEveryField()
    {
        var manager = new JournalEntry(new DateTimeOffset(2025, 4, 22, 2, 44, 41, 123, 456, TimeSpan.Zero), "demo-echo.socket", "summon", 1234, 6, "Listening on demo-echo.socket - Socket unit for demo-echo.");
        var wide = new JournalEntry(T0.AddSeconds(1), null, "summon", 1234, 5, "Reached target sockets.target - Sockets.");
        var output = new JournalEntry(T0.AddSeconds(2), "demo-echo@0-127.0.0.1:9091-127.0.0.1:54321.service", "cat", 4321, 3, "cat: -: Bad file descriptor ünïcødé \"quoted\"\ttab");
        Write(manager, wide, output);

        using var reader = OpenReader();
        var read = reader.Query(new JournalQuery());
        Assert.Equal([manager with { Cursor = 1 }, wide with { Cursor = 2 }, output with { Cursor = 3 }], read);
        Assert.Equal(TimeSpan.Zero, read[0].Time.Offset);
    }

    [Fact]
    public void RoundTrip_TimeKeepsMicrosecondsAndConvertsToUtc()
    {
        var local = new DateTimeOffset(2025, 4, 22, 4, 44, 41, 7, 9, TimeSpan.FromHours(2)).AddTicks(3);
        Write(new JournalEntry(local, "a.service", "a", 1, 6, "x"));
        using var reader = OpenReader();
        var time = Assert.Single(reader.Query(new JournalQuery())).Time;
        Assert.Equal(new DateTimeOffset(2025, 4, 22, 2, 44, 41, 7, 9, TimeSpan.Zero), time);
    }

    [Fact]
    public void Query_OrdersByTimeThenAppendOrder()
    {
        Write(Entry(5, "a", "a5"), Entry(1, "a", "a1"), Entry(3, "b", "b3"), Entry(1, "b", "b1"), Entry(9, null, "m9"));
        using var reader = OpenReader();
        Assert.Equal(["a1", "b1", "b3", "a5", "m9"], Messages(reader.Query(new JournalQuery())));
        Assert.Equal(["b3", "a5", "m9"], Messages(reader.Query(new JournalQuery(Lines: 3))));
    }

    public static TheoryData<string[]?, int?, string[]> LinesCases => new()
    {
        // units, -n, expected messages
        { null, null, ["a1", "b2", "a3", "m4", "a5", "b6", "a7"] },
        { null, 3, ["a5", "b6", "a7"] },
        { null, 1, ["a7"] },
        { null, 0, [] },
        { null, 100, ["a1", "b2", "a3", "m4", "a5", "b6", "a7"] },
        { ["a.service"], null, ["a1", "a3", "a5", "a7"] },
        { ["a.service"], 2, ["a5", "a7"] },
        { ["b.service"], 5, ["b2", "b6"] },
        { ["a.service", "b.service"], null, ["a1", "b2", "a3", "a5", "b6", "a7"] },
        { ["a.service", "b.service"], 3, ["a5", "b6", "a7"] },
        { ["b.service", "a.service", "b.service"], 4, ["a3", "a5", "b6", "a7"] },
        { ["b.service", "nope.service"], 1, ["b6"] },
        { ["nope.service"], 10, [] },
        { [], null, [] },
        { [], 3, [] },
    };

    [Theory]
    [MemberData(nameof(LinesCases))]
    public void Query_UnitsAndLines(string[]? units, int? lines, string[] expected)
    {
        Write(Entry(1, "a.service", "a1"), Entry(2, "b.service", "b2"), Entry(3, "a.service", "a3"), Entry(4, null, "m4"),
            Entry(5, "a.service", "a5"), Entry(6, "b.service", "b6"), Entry(7, "a.service", "a7"));
        using var reader = OpenReader();
        Assert.Equal(expected, Messages(reader.Query(new JournalQuery(Units: units, Lines: lines))));
    }

    public static TheoryData<int?, int?, int?, string[]> FilterCases => new()
    {
        // since (seconds after T0), max priority, -n, expected
        { 0, null, null, ["e0", "w1", "i2", "d3", "c4", "i5"] },
        { 3, null, null, ["d3", "c4", "i5"] },
        { 6, null, null, [] },
        { null, SyslogPriority.Debug, null, ["e0", "w1", "i2", "d3", "c4", "i5"] },
        { null, SyslogPriority.Info, null, ["e0", "w1", "i2", "c4", "i5"] },
        { null, SyslogPriority.Warning, null, ["e0", "w1", "c4"] },
        { null, SyslogPriority.Error, null, ["e0", "c4"] },
        { null, SyslogPriority.Emergency, null, [] },
        { 1, SyslogPriority.Warning, null, ["w1", "c4"] },
        { 1, SyslogPriority.Info, 2, ["c4", "i5"] },
        { null, SyslogPriority.Warning, 1, ["c4"] },
    };

    [Theory]
    [MemberData(nameof(FilterCases))]
    public void Query_SinceAndPriority(int? since, int? maxPriority, int? lines, string[] expected)
    {
        Write(Entry(0, "a", "e0", SyslogPriority.Error), Entry(1, "a", "w1", SyslogPriority.Warning), Entry(2, "a", "i2"),
            Entry(3, "a", "d3", SyslogPriority.Debug), Entry(4, "a", "c4", SyslogPriority.Critical), Entry(5, "a", "i5"));
        using var reader = OpenReader();
        var query = new JournalQuery(Lines: lines, Since: since is int s ? T0.AddSeconds(s) : null, MaxPriority: maxPriority);
        Assert.Equal(expected, Messages(reader.Query(query)));
    }

    [Fact]
    public void Query_SinceComparesInstantsNotLocalTimes()
    {
        Write(Entry(0, "a", "x0"), Entry(10, "a", "x10"));
        using var reader = OpenReader();
        var since = T0.AddSeconds(5).ToOffset(TimeSpan.FromHours(-7));
        Assert.Equal(["x10"], Messages(reader.Query(new JournalQuery(Since: since))));
    }

    [Fact]
    public void Query_AfterCursorFollowsNewEntries()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(1, "a", "one"));
        writer.Append(Entry(2, "b", "two"));
        writer.Flush();
        using var reader = OpenReader();
        var first = reader.Query(new JournalQuery());
        Assert.Equal([1L, 2L], first.Select(e => e.Cursor));
        Assert.Empty(reader.Query(new JournalQuery(AfterCursor: first[^1].Cursor)));

        writer.Append(Entry(3, "a", "three"));
        writer.Append(Entry(4, "b", "four"));
        writer.Flush();
        Assert.Equal(["three", "four"], Messages(reader.Query(new JournalQuery(AfterCursor: 2))));
        Assert.Equal(["three"], Messages(reader.Query(new JournalQuery(Units: ["a"], AfterCursor: 2))));
    }

    [Fact]
    public void Query_UntilAndPriorityRange()
    {
        Write(Entry(0, "a", "p3", SyslogPriority.Error), Entry(1, "a", "p4", SyslogPriority.Warning), Entry(2, "a", "p6", SyslogPriority.Info), Entry(3, "a", "p2", SyslogPriority.Critical));
        using var reader = OpenReader();
        Assert.Equal(["p3", "p4"], Messages(reader.Query(new JournalQuery(MaxPriority: 4, MinPriority: 3))));
        Assert.Equal(["p3", "p4", "p6"], Messages(reader.Query(new JournalQuery(Until: T0.AddSeconds(2)))));
        Assert.Equal(["p4"], Messages(reader.Query(new JournalQuery(Since: T0.AddSeconds(1), Until: T0.AddSeconds(1)))));
    }

    [Fact]
    public void Units_lists_every_unit_once_sorted()
    {
        Write(Entry(0, "b.service", "1"), Entry(1, null, "2"), Entry(2, "a.socket", "3"), Entry(3, "b.service", "4"));
        using var reader = OpenReader();
        Assert.Equal(["a.socket", "b.service"], reader.Units());
        Assert.Equal(4, reader.LastCursor());
    }

    [Fact]
    public void Vacuum_time_deletes_older_rows_and_keeps_the_newest()
    {
        Write(Entry(0, "a", "old"), Entry(10, "a", "mid"), Entry(20, "a", "new"));
        var result = JournalVacuum.Run(state.Path, T0.AddSeconds(5), null)!;
        Assert.Equal(1, result.DeletedEntries);
        using (var reader = OpenReader())
        {
            Assert.Equal(["mid", "new"], Messages(reader.Query(new JournalQuery())));
        }

        Assert.Equal(1, JournalVacuum.Run(state.Path, T0.AddDays(1), null)!.DeletedEntries);
        using (var reader = OpenReader())
        {
            Assert.Equal(["new"], Messages(reader.Query(new JournalQuery())));
            Assert.Equal(3, reader.LastCursor());
        }
    }

    [Fact]
    public void Vacuum_size_brings_the_files_under_the_size()
    {
        var big = new string('x', 2000);
        Write(Enumerable.Range(0, 2000).Select(i => Entry(i, "a", big + i)).ToArray());
        long before = JournalDiskUsage.Bytes(state.Path);
        var result = JournalVacuum.Run(state.Path, null, before / 4)!;
        Assert.True(result.DeletedEntries > 1000, $"deleted {result.DeletedEntries}");
        Assert.True(result.BytesAfter <= before / 4, $"{result.BytesAfter} > {before / 4}");
        using var reader = OpenReader();
        Assert.Equal(big + 1999, reader.Query(new JournalQuery(Lines: 1))[0].Message);
    }

    [Fact]
    public void Vacuum_beside_a_running_writer_keeps_the_writer_writing()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(0, "a", "one"));
        writer.Append(Entry(1, "a", "two"));
        writer.Flush();
        Assert.Equal(1, JournalVacuum.Run(state.Path, T0.AddDays(1), null)!.DeletedEntries);
        writer.Append(Entry(2, "a", "three"));
        writer.Flush();
        using var reader = OpenReader();
        Assert.Equal(["two", "three"], Messages(reader.Query(new JournalQuery(AfterCursor: 1))));
    }

    [Fact]
    public void GroupCommit_LinesQueuedWithinTheDelayGoInOneTransaction()
    {
        // A long delay: the three lines below must be committed together, and only once the delay or a Flush ends.
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { CommitDelay = TimeSpan.FromSeconds(30) });
        var batches = new List<long>();
        writer.BatchCommitted += total =>
        {
            lock (batches)
            {
                batches.Add(total);
            }
        };
        writer.Append(Entry(1, "a", "one"));
        writer.Append(Entry(2, "a", "two"));
        writer.Append(Entry(3, "a", "three"));
        Assert.Equal(0, writer.Committed);   // lingering (30 s), nothing written yet
        writer.Flush();                      // ends the linger at once
        Assert.Equal(3, writer.Committed);
        lock (batches)
        {
            Assert.Equal([3L], batches);
        }

        using var reader = OpenReader();
        Assert.Equal(["one", "two", "three"], Messages(reader.Query(new JournalQuery())));
    }

    [Fact]
    public void GroupCommit_WithoutAFlushTheLinesLandAfterTheDelay()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { CommitDelay = TimeSpan.FromMilliseconds(50) });
        using var committed = new ManualResetEventSlim();
        writer.BatchCommitted += _ => committed.Set();
        writer.Append(Entry(1, "a", "one"));
        Assert.True(committed.Wait(TimeSpan.FromSeconds(30)));   // bound for a broken build, not a timing assertion
        Assert.Equal(1, writer.Committed);
    }

    [Fact]
    public void GroupCommit_DisposeCommitsWhatLingers()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { CommitDelay = TimeSpan.FromSeconds(30) }))
        {
            writer.Append(Entry(1, "a", "one"));
        }

        using var reader = OpenReader();
        Assert.Equal(["one"], Messages(reader.Query(new JournalQuery())));
    }

    [Fact]
    public void BatchCommitted_ReportsTheCommittedCount_AndEntriesAreReadableThen()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        using var reader = OpenReader();
        var seen = new List<(long Committed, int Readable)>();
        writer.BatchCommitted += total =>
        {
            using var probe = OpenReader();   // what a follower would do on the signal
            var readable = probe.Query(new JournalQuery()).Count;
            lock (seen)
            {
                seen.Add((total, readable));
            }
        };
        writer.Append(Entry(1, "a", "one"));
        writer.Append(Entry(2, "a", "two"));
        writer.Flush();
        writer.Append(Entry(3, "a", "three"));
        writer.Flush();
        lock (seen)
        {
            Assert.Equal(3, seen[^1].Committed);
            Assert.All(seen, s => Assert.Equal(s.Committed, s.Readable));
        }

        Assert.Equal(["three"], Messages(reader.Query(new JournalQuery(AfterCursor: 2))));
    }

    [Fact]
    public void Flush_MakesLinesVisibleToAnotherReaderWhileWriterStaysOpen()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        using var reader = OpenReader();
        for (var round = 1; round <= 5; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Append(Entry(round, "a", $"{round}.{i}"));
            }

            writer.Flush();
            Assert.Equal(round * 100, writer.Committed);
            Assert.Equal(round * 100, reader.Query(new JournalQuery()).Count);
            using var fresh = OpenReader();
            Assert.Equal($"{round}.99", fresh.Query(new JournalQuery(Lines: 1))[0].Message);
        }
    }

    [Fact]
    public void AbandonedWriter_AfterFlush_FreshReaderSeesEveryFlushedLine()
    {
        // A crash of the manager: the writer is never disposed (no final commit, no checkpoint, WAL left behind).
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        for (var i = 0; i < 1000; i++)
        {
            writer.Append(Entry(i, "demo-echo.socket", $"line {i}"));
        }

        writer.Flush();
        Assert.Equal(1000, writer.Committed);
        Assert.True(new FileInfo(Path.Combine(state.Path, "journal.db-wal")).Length > 0);

        using var reader = OpenReader();
        var read = reader.Query(new JournalQuery(Units: ["demo-echo.socket"]));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"line {i}"), Messages(read));
        GC.KeepAlive(writer);
    }

    [Fact]
    public void FilesLeftByACrash_WalOnly_AreRecoveredByTheNextReaderAndWriter()
    {
        // What a SIGKILL leaves on disk: journal.db plus a -wal holding the committed batches (never checkpointed).
        // Copy exactly those two files (not the live -shm) elsewhere; opening the copy must replay the WAL.
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        for (var i = 0; i < 300; i++)
        {
            writer.Append(Entry(i, "demo-echo.socket", $"line {i}"));
        }

        writer.Flush();
        using var copy = new TempStateDirectory();
        Directory.CreateDirectory(copy.Path);
        File.Copy(Path.Combine(state.Path, "journal.db"), Path.Combine(copy.Path, "journal.db"));
        File.Copy(Path.Combine(state.Path, "journal.db-wal"), Path.Combine(copy.Path, "journal.db-wal"));
        GC.KeepAlive(writer);

        // The lines really are only in the WAL: the main file alone holds none of them.
        using (var mainOnly = new TempStateDirectory())
        {
            Directory.CreateDirectory(mainOnly.Path);
            File.Copy(Path.Combine(state.Path, "journal.db"), Path.Combine(mainOnly.Path, "journal.db"));
            using var stale = JournalReader.TryOpen(mainOnly.Path);
            Assert.Empty(stale?.Query(new JournalQuery()) ?? []);
        }

        using (var reader = JournalReader.TryOpen(copy.Path)!)
        {
            Assert.Equal(Enumerable.Range(0, 300).Select(i => $"line {i}"), Messages(reader.Query(new JournalQuery())));
        }

        using (var next = JournalWriter.Open(copy.Path, new JournalWriterOptions()))
        {
            next.Append(Entry(300, "demo-echo.socket", "after restart"));
        }

        using var after = JournalReader.TryOpen(copy.Path)!;
        var last = after.Query(new JournalQuery(Lines: 1))[0];
        Assert.Equal(("after restart", 301L), (last.Message, last.Cursor));
    }

    [Fact]
    public void Reopen_AppendsAfterExistingRows()
    {
        Write(Entry(1, "a", "first run"));
        Write(Entry(2, "a", "second run"));
        using var reader = OpenReader();
        var read = reader.Query(new JournalQuery());
        Assert.Equal(["first run", "second run"], Messages(read));
        Assert.Equal([1L, 2L], read.Select(e => e.Cursor));
    }

    [Fact]
    public void Rotation_KeepsNewestMaxRows()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { MaxRows = 10 }))
        {
            for (var i = 0; i < 25; i++)
            {
                writer.Append(Entry(i, i % 2 == 0 ? "even" : "odd", $"m{i}"));
                if (i % 7 == 0)
                {
                    writer.Flush();   // several batches, so rotation runs more than once
                }
            }
        }

        using var reader = OpenReader();
        var all = reader.Query(new JournalQuery());
        Assert.Equal(Enumerable.Range(15, 10).Select(i => $"m{i}"), Messages(all));
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), all.Select(e => e.Cursor));
        Assert.Equal(["m15", "m17", "m19", "m21", "m23"], Messages(reader.Query(new JournalQuery(Units: ["odd"]))));
    }

    [Fact]
    public void Rotation_AcrossReopenWithSmallerCap()
    {
        Write(Enumerable.Range(0, 20).Select(i => Entry(i, "a", $"m{i}")).ToArray());
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { MaxRows = 5 }))
        {
            writer.Append(Entry(20, "a", "m20"));
        }

        using var reader = OpenReader();
        Assert.Equal(["m16", "m17", "m18", "m19", "m20"], Messages(reader.Query(new JournalQuery())));
    }

    [Fact]
    public void Append_FromFourThreads_LosesNothing()
    {
        const int Threads = 4, PerThread = 25_000;
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                writer.Append(new JournalEntry(T0, $"u{t}.service", "summon", t, 6, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        writer.Flush();

        Assert.Equal(Threads * PerThread, writer.Committed);
        Assert.Equal(0, writer.Dropped);
        using var reader = OpenReader();
        for (var t = 0; t < Threads; t++)
        {
            var read = reader.Query(new JournalQuery(Units: [$"u{t}.service"]));
            // Same timestamp everywhere, so order is append order: each thread's lines in its own order.
            Assert.Equal(Enumerable.Range(0, PerThread).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Messages(read));
        }
    }

    [Fact]
    public void Append_DoesNoIoOnTheCallingThread()
    {
        using var gate = new ManualResetEventSlim(false);
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { WriterGate = gate });
        for (var i = 0; i < 100_000; i++)
        {
            writer.Append(Entry(i, "a", "x"));
        }

        // The writer thread is held at its gate: nothing can have been committed by Append itself.
        Assert.Equal(0, writer.Committed);
        Assert.Equal(100_000, writer.Pending);
        gate.Set();
        writer.Flush();
        Assert.Equal(100_000, writer.Committed);
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public void Append_BeyondMaxPending_DropsAndCountsStreamLines_ButNeverManagerLines()
    {
        using var gate = new ManualResetEventSlim(false);
        // Room for the blocks of ten one-line flushes ("m0".."m9"), not for an eleventh.
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { WriterGate = gate, MaxPendingBytes = 10 * JournalLineBlock.SizeOf(2) });
        using var release = new Release(gate, writer);
        var backlog = new JournalBacklog(() => { });
        var lines = new JournalLineBuffer(writer, backlog);
        var source = new JournalStreamSource("a", "a", 1234);
        for (var i = 0; i < 15; i++)
        {
            lines.Record(source, DateTimeOffset.UtcNow, SyslogPriority.Info, Encoding.UTF8.GetBytes($"m{i}"));
            lines.Flush();
        }

        writer.Append(Entry(20, null, "manager line past the cap"));
        Assert.Equal(5, writer.Dropped);
        Assert.Equal(5, writer.SuppressedFor("a"));
        gate.Set();
        writer.Flush();
        Assert.Equal(11, writer.Committed);
        Assert.Equal(0, backlog.Pending);
        using var reader = OpenReader();
        var stored = Messages(reader.Query(new JournalQuery()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), stored.Where(m => m[0] == 'm' && char.IsDigit(m[1])));
        Assert.Contains("manager line past the cap", stored);
        Assert.Equal(["Suppressed 5 messages from a"], Messages(reader.Query(new JournalQuery(Units: ["a"]))).Where(m => m.StartsWith('S')));
    }

    /// <summary>Opens the gate before the writer is disposed, so a failed assertion cannot leave Dispose waiting on it.</summary>
    private sealed class Release(ManualResetEventSlim gate, JournalWriter writer) : IDisposable
    {
        public void Dispose()
        {
            gate.Set();
            writer.Dispose();
        }
    }

    [Fact]
    public void FailedCommit_IsCountedNotThrown_AndFlushStillReturns()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(1, "a", "ok"));
        writer.Flush();
        using (var vandal = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={writer.DatabasePath};Pooling=False"))
        {
            vandal.Open();
            using var drop = vandal.CreateCommand();
            drop.CommandText = "DROP TABLE entries";
            drop.ExecuteNonQuery();
        }

        writer.Append(Entry(2, "a", "lost 1"));
        writer.Append(Entry(3, "a", "lost 2"));
        writer.Flush();
        Assert.Equal((1L, 2L), (writer.Committed, writer.Dropped));
        Assert.True(writer.FailedBatches >= 1);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(writer.LastError);
    }

    [Fact]
    public void Dispose_CommitsQueuedEntries_ThenAppendIsDroppedAndFlushReturns()
    {
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        for (var i = 0; i < 500; i++)
        {
            writer.Append(Entry(i, "a", "x"));
        }

        writer.Dispose();
        Assert.Equal(500, writer.Committed);
        writer.Append(Entry(1, "a", "late"));
        writer.Flush();
        Assert.Equal(1, writer.Dropped);
        writer.Dispose();

        using var reader = OpenReader();
        Assert.Equal(500, reader.Query(new JournalQuery()).Count);
    }

    [Fact]
    public async Task DisposeAsync_CommitsQueuedEntries()
    {
        var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(1, "a", "x"));
        await writer.DisposeAsync();
        Assert.Equal(1, writer.Committed);
    }

    [Fact]
    public void Mirror_PrintsManagerLinesAfterCommit()
    {
        var mirror = new StringWriter { NewLine = "\n" };
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { Mirror = mirror }))
        {
            writer.Append(Entry(1, "demo-echo.socket", "Listening on demo-echo.socket - Socket unit for demo-echo."));
            writer.Append(Entry(2, "demo-echo@0.service", "hello", identifier: "cat", pid: 77));
            writer.Flush();
            Assert.Equal("Listening on demo-echo.socket - Socket unit for demo-echo.\n", mirror.ToString());
        }

        var all = new StringWriter { NewLine = "\n" };
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { Mirror = all, MirrorServiceOutput = true }))
        {
            writer.Append(Entry(2, "demo-echo@0.service", "hello", identifier: "cat", pid: 77));
        }

        Assert.Equal("cat[77]: hello\n", all.ToString());
    }

    [Fact]
    public void Readers_DoNotBlockTheWriter()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions());
        writer.Append(Entry(0, "a", "m0"));
        writer.Flush();
        using var reader = OpenReader();
        using var command = GetOpenReadTransaction(reader);   // a reader in the middle of a read transaction
        for (var i = 1; i <= 100; i++)
        {
            writer.Append(Entry(i, "a", $"m{i}"));
        }

        writer.Flush();
        Assert.Equal(101, writer.Committed);
        Assert.Equal(0, writer.FailedBatches);
    }

    private static IDisposable GetOpenReadTransaction(JournalReader reader)
    {
        // Keep a SELECT open (unfinished step) so the reader holds its WAL snapshot.
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={reader.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM entries";
        var dataReader = command.ExecuteReader();
        Assert.True(dataReader.Read());
        return new Disposables(dataReader, command, connection);
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
