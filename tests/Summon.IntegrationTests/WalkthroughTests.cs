using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// docs/walkthrough.md run as written, through a shell, against the published binary; then its steps again with the
/// exact assertions systemd's own output gives (a free port instead of 9091, a temp root instead of ~/walkthrough).
/// </summary>
public sealed class WalkthroughTests
{
    /// <summary>Read-only steps may be asked again while the manager settles (an instance still being reaped).</summary>
    private static readonly string[] s_queries = ["summon status", "summon show", "summon journal", "summon is-active"];

    [Fact]
    public async Task Walkthrough_doc_runs_as_written()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string home = Path.Combine(root.Dir, "home");
        string bin = Path.Combine(root.Dir, "bin");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "summon"), SummonBinary.Path);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = bin + ":/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
            ["HOME"] = home,
        };
        IReadOnlyList<WalkthroughDoc.Step> steps = WalkthroughDoc.Steps();
        Assert.True(steps.Count >= 10, $"{WalkthroughDoc.Path} has only {steps.Count} steps");

        // The doc's exports hold for the rest of the session: each later command runs after them.
        string prelude = "";
        CommandResult Shell(string command) => Command.Run("/bin/sh", ["-c", prelude + command], environment);
        DaemonProcess? daemon = null;
        try
        {
            foreach (WalkthroughDoc.Step step in steps)
            {
                string command = WalkthroughDoc.Command(step, port);
                if (step.Background)
                {
                    daemon = await DaemonProcess.StartAsync(root, "/bin/sh", ["-c", prelude + "exec " + command[..^2]], waitReady: false, environment);
                    DaemonProcess started = daemon;
                    CommandResult ready = await Wait.ForAsync(() => Shell("summon list-sockets"), r => r.ExitCode == 0 || started.HasExited);
                    Assert.True(ready.ExitCode == 0, $"$ {command}\nthe manager did not answer: {ready}");
                    continue;
                }

                IReadOnlyList<string> expected = WalkthroughDoc.Expected(step, home, port);
                bool query = s_queries.Any(q => command.StartsWith(q, StringComparison.Ordinal));
                CommandResult result = query
                    ? await Wait.ForAsync(() => Shell(command), r => Matches(expected, Printed(r)))
                    : Shell(command);
                string[] printed = Printed(result);
                Assert.True(
                    expected.Count == 0 ? printed.Length == 0 : Matches(expected, printed),
                    $"$ {command}\n[expected, in this order]\n{string.Join('\n', expected)}\n[got]\n{result}");
                if (step.Export)
                    prelude += command + "\n";
            }
        }
        finally
        {
            daemon?.Dispose();
        }
    }

    /// <summary>stdout, then stderr (systemctl writes some of its messages there), with run-to-run details normalised.</summary>
    private static string[] Printed(CommandResult result) =>
        [.. result.StdOutLines.Concat(result.StdErrLines).Select(WalkthroughDoc.Normalise)];

    /// <summary>The recorded lines appear in order (the binary may say more, e.g. a notice the page leaves out).</summary>
    private static bool Matches(IReadOnlyList<string> expected, string[] printed)
    {
        int next = 0;
        foreach (string line in printed)
        {
            if (next < expected.Count && line == expected[next])
                next++;
        }

        return next == expected.Count;
    }

    [Fact]
    public async Task Walkthrough_replays_like_systemd()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        (string socketPath, string servicePath) = DemoUnits.Write(root, port);

        // $ systemd-analyze verify demo-echo@.service demo-echo.socket  →  no output
        CommandResult verify = Cli.Run(root, "verify", servicePath, socketPath);
        Assert.True(verify is { ExitCode: 0, StdOut: "", StdErr: "" }, verify.ToString());

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        // $ systemctl daemon-reload  →  no output
        CommandResult reload = Cli.Run(root, "daemon-reload");
        Assert.True(reload is { ExitCode: 0, StdOut: "" }, reload.ToString());

        // $ systemctl enable --now demo-echo.socket
        CommandResult enable = Cli.Run(root, "enable", "--now", DemoUnits.SocketName);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        string link = Path.Combine(root.UnitDir, "sockets.target.wants", DemoUnits.SocketName);
        // Contract: stdout. systemctl 252 itself writes this line to stderr, so either stream is accepted.
        Assert.Contains(
            $"Created symlink {link} \u2192 {socketPath}.",
            enable.StdOutLines.Concat(enable.StdErrLines));
        Assert.Equal(socketPath, new FileInfo(link).LinkTarget);

        // $ systemctl show demo-echo.socket -p Listen -p ActiveState -p SubState
        CommandResult show = Cli.Run(root, "show", DemoUnits.SocketName, "-p", "Listen", "-p", "ActiveState", "-p", "SubState");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(
            new SortedSet<string>([$"Listen=127.0.0.1:{port} (Stream)", "ActiveState=active", "SubState=listening"]),
            new SortedSet<string>(show.StdOutLines));
        Assert.Equal($"Listen=127.0.0.1:{port} (Stream)\nActiveState=active\nSubState=listening\n", show.StdOut);

        // $ printf 'socket activation works\n' | nc -N 127.0.0.1 PORT  →  socket activation works
        CommandResult nc = Cli.RunProgram(root, "nc", "socket activation works\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "socket activation works\n" }, nc.ToString());

        // The client has left; the instance finishes on its own.
        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, DemoUnits.SocketName, "NConnections"), v => v == "0"));

        // $ systemctl status --no-pager --full demo-echo.socket
        CommandResult status = Cli.Run(root, "status", "--no-pager", "--full", DemoUnits.SocketName);
        Assert.True(status.ExitCode == 0, status.ToString());
        string[] lines = status.StdOutLines;
        Assert.Equal("● demo-echo.socket - Socket unit for demo-echo", lines[0]);
        Assert.Equal($"     Loaded: loaded ({socketPath}; enabled; preset: enabled)", lines[1]);
        Assert.Matches(@"^     Active: active \(listening\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+; .+ ago$", lines[2]);
        Assert.Contains($"     Listen: 127.0.0.1:{port} (Stream)", lines);
        Assert.Contains("   Accepted: 1; Connected: 0;", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("   Triggers:", StringComparison.Ordinal));
        int blank = Array.IndexOf(lines, "");
        Assert.True(blank > 0, status.ToString());
        List<JournalLine> statusJournal = JournalLine.ParseAll(string.Join('\n', lines[(blank + 1)..]));
        Assert.Contains(statusJournal, j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemon.Pid);

        // $ journalctl -u demo-echo.socket -n 10 --no-pager
        CommandResult journal = Cli.Run(root, "journal", "-u", DemoUnits.SocketName, "-n", "10", "--no-pager");
        Assert.True(journal.ExitCode == 0, journal.ToString());
        JournalLine listening = Assert.Single(
            JournalLine.ParseAll(journal.StdOut),
            j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo.");
        Assert.Equal(("summon", daemon.Pid, JournalLine.HostName), (listening.Identifier, listening.Pid, listening.Host));

        // The socket stays listening after the client left.
        CommandResult isActive = Cli.Run(root, "is-active", DemoUnits.SocketName);
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());
        Assert.Equal("listening", Cli.ShowOne(root, DemoUnits.SocketName, "SubState"));

        CommandResult isEnabled = Cli.Run(root, "is-enabled", DemoUnits.SocketName);
        Assert.True(isEnabled is { ExitCode: 0, StdOut: "enabled\n" }, isEnabled.ToString());

        Assert.Empty(daemon.ZombieChildren());
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Second_connection_counts_and_socket_keeps_listening()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName).ExitCode);

        for (int i = 1; i <= 2; i++)
        {
            CommandResult nc = Cli.RunProgram(root, "nc", $"line {i}\n", "-N", "127.0.0.1", port.ToString());
            Assert.True(nc is { ExitCode: 0 } && nc.StdOut == $"line {i}\n", nc.ToString());
        }

        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, DemoUnits.SocketName, "NConnections"), v => v == "0"));
        Dictionary<string, string> counters = Cli.Show(root, DemoUnits.SocketName, "NAccepted", "NConnections", "NRefused");
        Assert.Equal(
            new Dictionary<string, string> { ["NAccepted"] = "2", ["NConnections"] = "0", ["NRefused"] = "0" },
            counters);
        CommandResult status = Cli.Run(root, "status", "--no-pager", DemoUnits.SocketName);
        Assert.Contains("   Accepted: 2; Connected: 0;", status.StdOutLines);
        Assert.Equal("active", Cli.IsActive(root, DemoUnits.SocketName));
        CommandResult value = Cli.Run(root, "show", DemoUnits.SocketName, "-p", "ActiveState", "-p", "SubState", "--value");
        Assert.True(value is { ExitCode: 0, StdOut: "active\nlistening\n" }, value.ToString());

        // $ systemctl list-sockets: header, one row per Listen entry, blank line, count.
        CommandResult list = Cli.Run(root, "list-sockets");
        Assert.True(list.ExitCode == 0, list.ToString());
        string[] header = list.StdOutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["LISTEN", "UNIT", "ACTIVATES"], header);
        string[] row = list.StdOutLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"127.0.0.1:{port}", DemoUnits.SocketName], row[..2]);
        Assert.Equal("", list.StdOutLines[2]);
        Assert.Equal("1 sockets listed.", list.StdOutLines[3]);
    }
}
