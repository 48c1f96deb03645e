using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 16, item 3: <c>summon daemon --log-target=both|console</c> copies every journal line to stdout for a
/// container engine, and a stdout nobody reads stalls neither the event loop nor the SQLite journal: lines that do
/// not fit are dropped from stdout alone, counted, and reported in one line once the reader catches up.
/// </summary>
public sealed partial class ConsoleLogTests
{
    private const int Lines = 100_000;

    /// <summary>Starts the daemon with its stdout a pipe whose reader only starts once the file <c>go</c> exists.</summary>
    private static Task<DaemonProcess> StartWithStalledStdout(TempRoot root, string flags, out string consoleOut, out string go)
    {
        consoleOut = Path.Combine(root.Dir, "console.out");
        go = Path.Combine(root.Dir, "go");
        string script = $"{SummonBinary.Path} daemon {flags} | {{ while [ ! -e {go} ]; do sleep 0.1; done; exec cat > {consoleOut}; }}";
        return DaemonProcess.StartAsync(root, "/bin/sh", ["-c", script], waitReady: true);
    }

    [Fact]
    public async Task A_stalled_stdout_reader_costs_no_connection_and_no_journal_line_and_drops_are_counted_and_reported()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        root.WriteUnit("flood.service", $"[Service]\nExecStart=/usr/bin/seq 1 {Lines}\n");
        using DaemonProcess daemon = await StartWithStalledStdout(root, "--log-target=both", out string consoleOut, out string go);

        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName).ExitCode);
        Assert.Equal(0, Cli.Run(root, "start", "flood.service").ExitCode);
        // While nobody reads stdout: the flood is stored whole, the socket answers, the control socket answers.
        int Stored() => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "flood.service", "--no-pager").StdOut).Count(l => l.Identifier == "seq");
        Assert.Equal(Lines, await Wait.ForAsync(Stored, n => n == Lines, TimeSpan.FromSeconds(120)));
        using (var client = Clients.ConnectTcp(System.Net.IPAddress.Loopback, port))
            Assert.Equal("during the stall\n", Clients.SendAndReadToEnd(client, "during the stall\n"));
        // seq's last line stored does not mean its exit has been handled yet: that comes on the loop on its own.
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "flood.service"), s => s == "inactive"));
        Assert.False(File.Exists(consoleOut));   // the reader has not read a byte yet

        File.WriteAllText(go, "");
        string Console() => File.Exists(consoleOut) ? File.ReadAllText(consoleOut) : "";
        string text = await Wait.ForAsync(Console, t => DroppedLine().IsMatch(t), TimeSpan.FromSeconds(30));
        await Task.Delay(500);   // lines after the report (none are expected) would show in the count below
        // One report per stall; a burst that overran the buffer before the pipe was full would add one.
        long dropped = DroppedLine().Matches(Console()).Sum(m => long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture));
        Assert.InRange(dropped, 1, Lines);

        // Exact: every journal line is on stdout or counted in the report, never both, never neither.
        List<JournalLine> console = JournalLine.ParseAll(Console()).Where(l => !DroppedLine().IsMatch(l.Message + "\n")).ToList();
        int journal = JournalLine.ParseAll(Cli.Run(root, "journal", "--no-pager").StdOut).Count;
        Assert.Equal(journal, console.Count + dropped);
        List<int> seq = console.Where(l => l.Identifier == "seq").Select(l => int.Parse(l.Message, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seq.Order(), seq);   // in order, whatever was left out
        Assert.Contains(console, l => l.Identifier == "summon" && l.Message == "Listening on demo-echo.socket - Socket unit for demo-echo.");
    }

    [Fact]
    public async Task Console_target_writes_json_lines_to_stdout_and_keeps_no_journal_database()
    {
        using var root = new TempRoot();
        root.WriteUnit("hello.service", "[Service]\nType=oneshot\nExecStart=/bin/echo héllo from the service\n");
        using DaemonProcess daemon = await StartWithStalledStdout(root, "--log-target=console --log-format=json", out string consoleOut, out string go);
        File.WriteAllText(go, "");
        Assert.Equal(0, Cli.Run(root, "start", "hello.service").ExitCode);

        string Console() => File.Exists(consoleOut) ? File.ReadAllText(consoleOut) : "";
        string text = await Wait.ForAsync(Console, t => t.Contains("héllo from the service", StringComparison.Ordinal));
        List<JsonElement> lines = CommandResult.SplitLines(text).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        JsonElement hello = Assert.Single(lines, l => l.GetProperty("MESSAGE").GetString() == "héllo from the service");
        Assert.Equal("echo", hello.GetProperty("SYSLOG_IDENTIFIER").GetString());
        Assert.Equal("hello.service", hello.GetProperty("_SYSTEMD_UNIT").GetString());
        Assert.Equal("6", hello.GetProperty("PRIORITY").GetString());
        Assert.True(long.Parse(hello.GetProperty("__REALTIME_TIMESTAMP").GetString()!, CultureInfo.InvariantCulture) > 0);
        Assert.Contains(lines, l => l.GetProperty("SYSLOG_IDENTIFIER").GetString() == "summon"
            && l.TryGetProperty("UNIT", out JsonElement unit) && unit.GetString() == "hello.service");
        Assert.False(File.Exists(Path.Combine(root.StateDir, "journal.db")));
    }

    [Fact]
    public void Bad_log_flags_are_one_line_errors()
    {
        using var root = new TempRoot();
        CommandResult target = Cli.Run(root, "daemon", "--log-target=syslog");
        Assert.Equal(1, target.ExitCode);
        Assert.Equal("Invalid --log-target= value 'syslog': use journal, console or both.\n", target.StdErr);
        CommandResult format = Cli.Run(root, "daemon", "--log-format=xml");
        Assert.Equal("Invalid --log-format= value 'xml': use short or json.\n", format.StdErr);
        CommandResult exitWith = Cli.Run(root, "daemon", "--exit-with", "app@.service");
        Assert.Equal("Invalid --exit-with value 'app@.service': name one unit with its suffix, such as app.service.\n", exitWith.StdErr);
    }

    [GeneratedRegex(@"Console log: (?<n>\d+) lines dropped while stdout's reader was too slow \(the journal has them all\)\.\n")]
    private static partial Regex DroppedLine();
}
