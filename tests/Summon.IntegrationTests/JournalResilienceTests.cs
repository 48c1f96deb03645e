using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 11, item 3: nothing the journal's disk does stops the manager (garbage, damaged, read-only, full), readers
/// never print a stack trace, a flooding service loses nothing and costs nobody else a line, and the journal is
/// private to the manager's user.
/// </summary>
public sealed class JournalResilienceTests
{
    private const string Unit = DemoUnits.SocketName;

    private static string Echo(int port, string text)
    {
        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        return Clients.SendAndReadToEnd(client, text);
    }

    private static void AssertOneLineNoTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.True(CommandResult.SplitLines(stderr).Count() <= 1, stderr);
    }

    private static string FloodUnit(int lines) =>
        $"""
        [Service]
        ExecStart=/usr/bin/seq 1 {lines}
        StandardOutput=journal

        """;

    [Fact]
    public async Task Garbage_journal_is_moved_aside_and_the_manager_starts_and_serves()
    {
        using var root = new TempRoot();
        var garbage = new byte[16384];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(root.StateDir, "journal.db"), garbage);
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal("hello\n", Echo(port, "hello\n"));

        string aside = Assert.Single(Directory.GetFiles(root.StateDir, "journal.db.corrupt-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
        Assert.Single(CommandResult.SplitLines(daemon.Log), l => l.Contains("is corrupted", StringComparison.Ordinal));
        CommandResult journal = Cli.Run(root, "journal");
        Assert.Equal(0, journal.ExitCode);
        Assert.Contains("moved aside to " + aside, journal.StdOut, StringComparison.Ordinal);
        Assert.Contains("Listening on demo-echo.socket", journal.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_journal_readers_show_what_they_can_with_one_line_of_error()
    {
        using var root = new TempRoot();
        root.WriteUnit("flood.service", FloodUnit(20_000));
        using (DaemonProcess daemon = await DaemonProcess.StartAsync(root))
        {
            Assert.Equal(0, Cli.Run(root, "start", "flood.service").ExitCode);
            Assert.True(await Wait.UntilAsync(() => Cli.Run(root, "journal", "-u", "flood.service").StdOut.Contains("Deactivated successfully", StringComparison.Ordinal), TimeSpan.FromSeconds(60)));
            Assert.Equal(0, await daemon.StopAsync());
        }

        // Damage pages at a quarter, a half and three quarters of the file, keeping the header page valid.
        string database = Path.Combine(root.StateDir, "journal.db");
        long pages = new FileInfo(database).Length / 4096;
        using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            var junk = new byte[3 * 4096];
            new Random(3).NextBytes(junk);
            foreach (long page in (long[])[pages / 4, pages / 2, 3 * pages / 4])
            {
                file.Position = page * 4096;
                file.Write(junk);
            }
        }

        CommandResult journal = Cli.Run(root, "journal", "-u", "flood.service");
        Assert.Equal(0, journal.ExitCode);
        AssertOneLineNoTrace(journal.StdErr);
        Assert.Contains("is corrupted", journal.StdErr, StringComparison.Ordinal);
        Assert.Contains(JournalLine.ParseAll(journal.StdOut), l => l.Message == "20000");

        // The manager starts on it, and status shows its tail with the same one line.
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        using DaemonProcess again = await DaemonProcess.StartAsync(root);
        Assert.Equal("x\n", Echo(port, "x\n"));
        CommandResult status = Cli.Run(root, "status", "flood.service");
        Assert.Equal(3, status.ExitCode);
        AssertOneLineNoTrace(status.StdErr);
        Assert.Contains(JournalLine.ParseAll(status.StdOut), l => l.Identifier == "seq");
    }

    [RootFact]
    public async Task Read_only_state_directory_the_manager_runs_on_the_console_and_serves()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        string script = $"mount --bind {root.StateDir} {root.StateDir} && mount -o remount,bind,ro {root.StateDir} && exec {SummonBinary.Path} daemon";
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "unshare", ["--mount", "sh", "-c", script], waitReady: true);

        Assert.Equal("hello\n", Echo(port, "hello\n"));
        Assert.True(await Wait.UntilAsync(() => daemon.Log.Contains("Listening on demo-echo.socket", StringComparison.Ordinal)));
        string log = daemon.Log;
        Assert.Single(CommandResult.SplitLines(log), l => l.StartsWith("Failed to open the journal ", StringComparison.Ordinal) && l.Contains("console only", StringComparison.Ordinal));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [RootFact]
    public async Task Full_journal_disk_the_manager_serves_and_every_line_is_stored_or_counted()
    {
        const int Lines = 200_000;
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        root.WriteUnit("flood.service", FloodUnit(Lines));
        string script = $"mount -t tmpfs -o size=2m,mode=0700 tmpfs {root.StateDir} && exec {SummonBinary.Path} daemon";
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "unshare", ["--mount", "sh", "-c", script], waitReady: true);

        Assert.Equal(0, Cli.Run(root, "start", "flood.service").ExitCode);
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "flood.service"), s => s == "inactive", TimeSpan.FromSeconds(120)));
        Assert.Equal("hello\n", Echo(port, "hello\n"));

        // The store lives in the daemon's mount namespace: read it from there.
        var env = root.Environment.ToDictionary(e => e.Key, e => e.Value);
        int Stored() => JournalLine.ParseAll(Command.Run("nsenter", ["-t", daemon.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", SummonBinary.Path, "journal", "-u", "flood.service"], env).StdOut)
            .Count(l => l.Identifier == "seq");
        long Suppressed() => long.TryParse(Cli.ShowOne(root, "flood.service", "LogMessagesSuppressed"), out long n) ? n : 0;
        // The count is per unit: it also holds the manager's own lines about flood.service that the full disk refused
        // ("Started", "Deactivated successfully": those are on the console), hence the two lines of slack.
        Assert.True(await Wait.UntilAsync(() => Stored() + Suppressed() is >= Lines and <= Lines + 2, TimeSpan.FromSeconds(60)), $"stored {Stored()} + suppressed {Suppressed()} != {Lines}");
        Assert.True(Suppressed() > 0);
        Assert.Single(CommandResult.SplitLines(daemon.Log), l => l.StartsWith("Failed to write to the journal", StringComparison.Ordinal));
        Assert.Contains("messages suppressed", Cli.Run(root, "status", "flood.service").StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flooding_service_loses_no_line_and_costs_the_others_none()
    {
        const int Lines = 500_000;
        using var root = new TempRoot();
        root.WriteUnit("flood.service", FloodUnit(Lines));
        root.WriteUnit("quiet.service", """
            [Service]
            ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo quiet $i; sleep 0.05; done'
            StandardOutput=journal

            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "flood.service", "quiet.service").ExitCode);
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "flood.service"), s => s == "inactive", TimeSpan.FromSeconds(120)));
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "quiet.service"), s => s == "inactive", TimeSpan.FromSeconds(60)));

        // Inactive is seq's exit; the end of its output may still wait in the pipe (paused while the journal catches up),
        // read afterwards on the loop: wait for the last line, then check all of them.
        List<JournalLine> flood = await Wait.ForAsync(
            () => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "flood.service").StdOut),
            l => l.Any(j => j.Identifier == "seq" && j.Message == Lines.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), flood.Where(l => l.Identifier == "seq").Select(l => l.Message));
        Assert.Contains(flood, l => l.Identifier == "summon" && l.Message == "flood.service: Deactivated successfully.");
        List<JournalLine> quiet = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "quiet.service").StdOut);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"quiet {i}"), quiet.Where(l => l.Identifier == "sh").Select(l => l.Message));
        Assert.Equal("(missing)", Cli.ShowOne(root, "flood.service", "LogMessagesSuppressed"));   // present only when lines were lost
    }

    [RootFact]
    public async Task Journal_is_private_and_another_user_gets_one_line()
    {
        using var root = new TempRoot();
        File.SetUnixFileMode(root.StateDir, (UnixFileMode)0b111_101_101);   // a wider directory is tightened at start
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal("hello\n", Echo(port, "hello\n"));
        Assert.Equal(0, Cli.Run(root, "journal").ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root.StateDir));
        foreach (string file in Directory.GetFiles(root.StateDir))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // The TempRoot itself must be reachable for nobody to get as far as the state directory.
        File.SetUnixFileMode(root.Dir, (UnixFileMode)0b111_101_101);
        var env = root.Environment.ToDictionary(e => e.Key, e => e.Value);
        CommandResult nobody = Command.Run("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", SummonBinary.Path, "journal"], env);
        Assert.Equal(1, nobody.ExitCode);
        AssertOneLineNoTrace(nobody.StdErr);
        Assert.Contains("insufficient permissions", nobody.StdErr, StringComparison.Ordinal);
        Assert.Equal("", nobody.StdOut);
    }
}
