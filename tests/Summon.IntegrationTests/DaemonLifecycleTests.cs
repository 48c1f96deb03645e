using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>The daemon's life: enabled sockets start with it, SIGTERM stops everything, clients without it fail clearly.</summary>
public sealed class DaemonLifecycleTests
{
    private const string Unit = DemoUnits.SocketName;

    [RootFact]
    public void System_manager_refuses_to_run_beside_systemd_unless_pointed_elsewhere()
    {
        using var root = new TempRoot();
        // A private mount namespace with its own /run in which systemd looks booted (sd_booted: /run/systemd/system).
        string script = $"mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec {SummonBinary.Path} daemon --system";
        var env = root.Environment.Where(e => e.Key != "SUMMON_UNIT_PATH").ToDictionary(e => e.Key, e => e.Value);
        CommandResult refused = Command.Run("unshare", ["--mount", "sh", "-c", script], env, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("systemd is running as PID 1 on this machine (/run/systemd/system exists)", refused.StdErr);
    }

    [Fact]
    public async Task Sigterm_stops_all_units_and_instances_and_exits_0()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        int daemonPid = daemon.Pid;

        // Enabled in sockets.target.wants, so the daemon started it without being asked.
        Assert.Equal("active", Cli.IsActive(root, Unit));

        // A client that never sends EOF keeps its cat instance running.
        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        Assert.Equal("1", await Wait.ForAsync(() => Cli.ShowOne(root, Unit, "NConnections"), v => v == "1"));
        List<ProcStat> instances = await Wait.ForAsync(
            () => daemon.Descendants().Where(p => p.Comm == "cat").ToList(), l => l.Count == 1);
        ProcStat cat = Assert.Single(instances);

        Assert.Equal(0, await daemon.StopAsync());

        Assert.False(await Wait.ForAsync(() => ProcFs.IsAlive(cat.Pid), alive => !alive), $"instance {cat.Pid} survived");
        Assert.Equal("", Clients.ReadToEnd(client));
        using (var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            // The listening socket is closed: the port can be bound again.
            rebind.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            rebind.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }

        // The journal outlives the daemon: read straight from the store.
        List<JournalLine> journal = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut);
        Assert.Contains(journal, j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemonPid);
        Assert.Contains(journal, j => j.Message == "Closed demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemonPid);
    }

    public static TheoryData<string[]> VerbsNeedingTheDaemon => new()
    {
        { ["start", Unit] },
        { ["stop", Unit] },
        { ["restart", Unit] },
        { ["status", Unit] },
        { ["show", Unit, "-p", "ActiveState"] },
        { ["is-active", Unit] },
        { ["list-sockets"] },
        { ["daemon-reload"] },
    };

    [Theory]
    [MemberData(nameof(VerbsNeedingTheDaemon))]
    public void Without_a_daemon_verbs_fail_naming_the_control_socket(string[] arguments)
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());

        CommandResult result = Cli.Run(root, arguments);
        Assert.True(result is { ExitCode: 1, StdOut: "" }, result.ToString());
        Assert.Contains(root.ControlSocket, result.StdErr);
    }

    [Fact]
    public void Without_a_daemon_enable_disable_is_enabled_and_journal_still_work()
    {
        using var root = new TempRoot();
        (string socketPath, _) = DemoUnits.Write(root, FreePort.Tcp());
        string link = Path.Combine(root.UnitDir, "sockets.target.wants", Unit);

        CommandResult disabled = Cli.Run(root, "is-enabled", Unit);
        Assert.True(disabled is { ExitCode: 1, StdOut: "disabled\n" }, disabled.ToString());
        CommandResult template = Cli.Run(root, "is-enabled", DemoUnits.TemplateName);
        Assert.True(template is { ExitCode: 0, StdOut: "static\n" }, template.ToString());

        CommandResult enable = Cli.Run(root, "enable", Unit);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.Contains($"Created symlink {link} \u2192 {socketPath}.", enable.StdOutLines.Concat(enable.StdErrLines));
        Assert.Equal(socketPath, new FileInfo(link).LinkTarget);
        CommandResult enabled = Cli.Run(root, "is-enabled", Unit);
        Assert.True(enabled is { ExitCode: 0, StdOut: "enabled\n" }, enabled.ToString());

        CommandResult disable = Cli.Run(root, "disable", Unit);
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Contains($"Removed \"{link}\".", disable.StdOutLines.Concat(disable.StdErrLines));
        Assert.False(File.Exists(link) || new FileInfo(link).LinkTarget is not null);
        Assert.Equal("disabled\n", Cli.Run(root, "is-enabled", Unit).StdOut);

        CommandResult journal = Cli.Run(root, "journal", "-u", Unit, "--no-pager");
        Assert.True(journal.ExitCode == 0, journal.ToString());
        Assert.Empty(JournalLine.ParseAll(journal.StdOut));
    }

    [Fact]
    public async Task Stop_and_start_cycle_the_socket_and_log_each_step()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);

        CommandResult stop = Cli.Run(root, "stop", Unit);
        Assert.True(stop is { ExitCode: 0, StdOut: "", StdErr: "" }, stop.ToString());
        CommandResult inactive = Cli.Run(root, "is-active", Unit);
        Assert.True(inactive is { ExitCode: 3, StdOut: "inactive\n" }, inactive.ToString());
        Assert.Equal("dead", Cli.ShowOne(root, Unit, "SubState"));
        CommandResult status = Cli.Run(root, "status", "--no-pager", Unit);
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Matches(@"^     Active: inactive \(dead\)", status.StdOutLines[2]);
        CommandResult refused = Cli.RunProgram(root, "nc", "nobody home\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(refused is { ExitCode: 1, StdOut: "" }, refused.ToString());

        CommandResult restart = Cli.Run(root, "restart", Unit);
        Assert.True(restart is { ExitCode: 0, StdOut: "", StdErr: "" }, restart.ToString());
        Assert.Equal("active", Cli.IsActive(root, Unit));
        CommandResult nc = Cli.RunProgram(root, "nc", "back\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "back\n" }, nc.ToString());

        List<string> messages = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut)
            .Where(j => j.Pid == daemon.Pid).Select(j => j.Message)
            .Where(m => m.StartsWith("Listening on", StringComparison.Ordinal) || m.StartsWith("Closed", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(
            ["Listening on demo-echo.socket - Socket unit for demo-echo.",
             "Closed demo-echo.socket - Socket unit for demo-echo.",
             "Listening on demo-echo.socket - Socket unit for demo-echo."],
            messages);
    }
}
