using System.Text;
using Summon.Interop;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>
/// The console copy never waits for stdout: with a pipe nobody reads, lines past the bound are dropped and counted,
/// and once the reader has caught up a line reports how many: the reports add up to every drop.
/// </summary>
public sealed class ConsoleLogTests
{
    [Fact]
    public unsafe void Lines_that_do_not_fit_while_the_reader_stalls_are_counted_and_reported_once()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, Libc.Pipe2(fds, Libc.O_CLOEXEC));
        using var reader = new SafeFdHandle(fds[0]);
        using var writer = new SafeFdHandle(fds[1]);
        var now = DateTimeOffset.UtcNow;
        const int Lines = 20_000;
        using (var console = new ConsoleLog(writer, ConsoleLogFormat.Short, maxBytes: 16 * 1024))
        {
            // Nobody reads: the pipe (64 KiB) and the buffer fill, and Add never blocks.
            for (int i = 0; i < Lines; i++)
                console.Add(new JournalEntry(now, null, "flood", 7, SyslogPriority.Info, $"line {i}"));
            Assert.True(console.Stats.Dropped > 0);

            // Read until the reports account for every drop (a burst may also overrun the buffer before the pipe is full).
            var text = new StringBuilder();
            var buffer = new byte[65536];
            long Reported() => Reports(text.ToString()).Sum();
            while (Reported() < console.Stats.Dropped)
            {
                fixed (byte* p = buffer)
                {
                    nint n = Libc.Read(reader, p, buffer.Length);
                    Assert.True(n > 0);
                    text.Append(Encoding.UTF8.GetString(buffer, 0, (int)n));
                }
            }

            string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(console.Stats.Dropped, Reported());
            Assert.Equal(Lines, console.Stats.Written + console.Stats.Dropped);
            Assert.Equal(console.Stats.Written, lines.Count(l => l.Contains(" flood[7]: line ", StringComparison.Ordinal)));
            Assert.Equal(console.Stats.DropReports, Reports(text.ToString()).Count());
        }
    }

    private static IEnumerable<long> Reports(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @": Console log: (\d+) lines dropped while stdout's reader was too slow \(the journal has them all\)\.\n")
            .Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
