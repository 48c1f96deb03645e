using System.Text;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>
/// A flooding service costs the manager no object per line (issue 11, item 3: bounded memory while flooding): its
/// lines travel as bytes in pooled blocks, so the heap does not fill with lines that survive while they wait.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JournalFloodMemoryTests : IDisposable
{
    private const int Lines = 400_000;

    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    [Fact]
    public void CapturedLines_AllocateNothingPerLine_OnTheReadingThread_AndAreAllStored()
    {
        using var writer = JournalWriter.Open(state.Path, new JournalWriterOptions { MaxRows = 2 * Lines });
        using var drained = new AutoResetEvent(false);
        var backlog = new JournalBacklog(() => drained.Set());
        var lines = new JournalLineBuffer(writer, backlog);
        var capture = new JournalStreamCapture(new JournalStreamSource("flood.service", "seq", 7), lines);
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, Lines).Select(i => $"{i}\n")));

        // Warm-up, past the backlog's high-water mark: the pool's first blocks, the capture's first partial record.
        const int WarmUp = 512 * 1024;
        var measured = input.AsSpan(WarmUp).Count((byte)'\n');
        Feed(capture, lines, backlog, drained, input.AsSpan(0, WarmUp));
        writer.Flush();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(capture, lines, backlog, drained, input.AsSpan(WarmUp));
        long perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / measured;
        capture.Complete();
        lines.Flush();
        writer.Flush();

        // One small object per block of lines, nothing per line (a string and an entry per line were about 100 bytes).
        Assert.InRange(perLine, 0, 2);
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(0, backlog.Pending);
        using var reader = JournalReader.TryOpen(state.Path) ?? throw new InvalidOperationException("no journal");
        var stored = reader.Query(new JournalQuery(Units: ["flood.service"])).Select(e => e.Message).ToArray();
        Assert.Equal(Lines, stored.Length);
        Assert.Equal("1", stored[0]);
        Assert.Equal(Lines.ToString(System.Globalization.CultureInfo.InvariantCulture), stored[^1]);
    }

    /// <summary>
    /// As the event loop does: chunks of a pipe read, the records handed over after each wake-up, reading paused
    /// while the stream's backlog is full (the blocks then come back to the pool as fast as they are taken).
    /// </summary>
    private static void Feed(JournalStreamCapture capture, JournalLineBuffer lines, JournalBacklog backlog, AutoResetEvent drained, ReadOnlySpan<byte> data)
    {
        const int Chunk = 16 * 1024;
        for (var offset = 0; offset < data.Length; offset += Chunk)
        {
            if (backlog.IsFull && backlog.TryPause())
            {
                Assert.True(drained.WaitOne(TimeSpan.FromSeconds(60)));
            }

            capture.Feed(data.Slice(offset, Math.Min(Chunk, data.Length - offset)));
            if (offset / Chunk % 16 == 15)
            {
                lines.Flush();
            }
        }

        lines.Flush();
    }
}
