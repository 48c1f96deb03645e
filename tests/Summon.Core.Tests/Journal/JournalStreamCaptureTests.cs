using System.Text;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

public sealed class JournalStreamCaptureTests
{
    private static readonly JournalStreamSource Cat = new("demo-echo@0.service", "cat", 4321);

    private static async Task<List<(int Priority, string Message)>> Capture(byte[] input, JournalStreamSource? source = null, int chunk = int.MaxValue)
    {
        var entries = new List<JournalEntry>();
        await JournalStreamCapture.PumpAsync(new ChunkedStream(input, chunk), source ?? Cat, entries.Add);
        Assert.All(entries, e => Assert.Equal(("demo-echo@0.service", "cat", 4321), (e.Unit, e.Identifier, e.Pid)));
        return entries.Select(e => (e.Priority, e.Message)).ToList();
    }

    public static TheoryData<string, string[]> Records => new()
    {
        // input, expected "priority|message" records (default priority 6)
        { "hello\n", ["6|hello"] },
        { "one\ntwo\n", ["6|one", "6|two"] },
        { "no newline at end", ["6|no newline at end"] },
        { "a\0b\n", ["6|a", "6|b"] },
        { "trailing  \t\r\n", ["6|trailing"] },
        { "  leading kept\n", ["6|  leading kept"] },
        { "\n\n  \n", [] },
        { "<3>error line\n", ["3|error line"] },
        { "<7>debug\n<0>emerg\n", ["7|debug", "0|emerg"] },
        { "<03>zero padded\n<004>twice padded\n", ["3|zero padded", "4|twice padded"] },
        { "<8>not a level\n", ["6|<8>not a level"] },
        { "<13>facility not accepted\n", ["6|<13>facility not accepted"] },
        { "<x>not digits\n", ["6|<x>not digits"] },
        { "<>empty\n", ["6|<>empty"] },
        { "<3>\n", [] },
        { "<4>  warn\n", ["4|  warn"] },
        { "ünïcødé ✓\n", ["6|ünïcødé ✓"] },
        { "cat: -: Bad file descriptor\n", ["6|cat: -: Bad file descriptor"] },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public async Task Records_SplitLikeJournald(string input, string[] expected)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        foreach (var chunk in new[] { int.MaxValue, 1, 3 })
        {
            var records = await Capture(bytes, chunk: chunk);
            Assert.Equal(expected, records.Select(r => $"{r.Priority}|{r.Message}"));
        }
    }

    [Fact]
    public async Task LevelPrefixOff_KeepsThePrefix()
    {
        var records = await Capture("<3>literal\n"u8.ToArray(), Cat with { LevelPrefix = false, Priority = SyslogPriority.Warning });
        Assert.Equal([(4, "<3>literal")], records);
    }

    [Fact]
    public async Task LongLine_IsSplitAtLineMax()
    {
        var input = new string('x', JournalStreamCapture.LineMax * 2 + 10) + "\nnext\n";
        var records = await Capture(Encoding.ASCII.GetBytes(input), chunk: 7000);
        Assert.Equal([JournalStreamCapture.LineMax, JournalStreamCapture.LineMax, 10, 4], records.Select(r => r.Message.Length));
        Assert.Equal("next", records[^1].Message);
    }

    [Fact]
    public async Task InvalidUtf8_BecomesReplacementCharacter()
    {
        var records = await Capture([(byte)'a', 0xff, (byte)'b', (byte)'\n']);
        Assert.Equal([(6, "a\uFFFDb")], records);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a pipe would in pieces.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
