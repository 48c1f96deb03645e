using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// A manager killed with SIGKILL leaves its Accept=no services running, re-parented away from it. The next manager on
/// the same runtime, state and unit directories takes them back from the state file (docs/recovery.md): the survivor is
/// adopted by pid and start time, its listening sockets are taken from it (pidfd_getfd), nothing is started twice.
/// </summary>
public sealed class TakeoverTests
{
    private const string Socket = "demo.socket";
    private const string Service = "demo.service";

    [Fact]
    public async Task A_restarted_manager_adopts_the_running_service_and_takes_its_sockets_back()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        int echoPort = FreePort.Tcp();
        string path = Path.Combine(root.RuntimeDir, "demo.sock");
        root.WriteUnit(Socket, AcceptNoTests.SocketUnit($"ListenStream=127.0.0.1:{port}\nListenStream={path}", "\n[Install]\nWantedBy=sockets.target"));
        root.WriteUnit(Service, AcceptNoTests.ListenCheckService($"-r {root.Dir}/report"));
        DemoUnits.Write(root, echoPort);
        // Enabled, so the new manager's boot would bind it again: "Address already in use" while the survivor holds it.
        Assert.Equal(0, Cli.Run(root, "enable", Socket).ExitCode);

        using DaemonProcess first = await AcceptTests.StartSocketAsync(root, Socket);
        CommandResult startEcho = Cli.Run(root, "start", DemoUnits.SocketName);
        Assert.True(startEcho.ExitCode == 0, startEcho.ToString());
        ListenReport report = ListenReport.FromTcp(port);
        Assert.True(report.Check == "ok", report.Text);
        string invocation = Cli.ShowOne(root, Service, "InvocationID");
        await KillManagerAsync(first);
        Assert.True(ProcFs.IsAlive(report.Pid), "the service outlives its manager");

        using DaemonProcess second = await DaemonProcess.StartAsync(root);
        Assert.DoesNotContain("Address already in use", second.Log);

        // The survivor is the service again: active, the same main pid and invocation, still serving both sockets.
        Assert.Equal("active", Cli.IsActive(root, Service));
        Assert.Equal(
            new Dictionary<string, string> { ["SubState"] = "running", ["MainPID"] = report["PID"], ["InvocationID"] = invocation },
            Cli.Show(root, Service, "SubState", "MainPID", "InvocationID"));
        Assert.Equal($"{report.Pid} (listen-check)", StatusText.Field(StatusText.Of(root, Service), "Main PID"));
        Assert.Equal(("active", "running"), (Cli.IsActive(root, Socket), Cli.ShowOne(root, Socket, "SubState")));
        ListenReport again = ListenReport.FromTcp(port);
        Assert.Equal((report["PID"], "2"), (again["PID"], again["CONNECTION"]));
        ListenReport overUnix = ListenReport.FromUnix(path);
        Assert.Equal((report["PID"], "3"), (overUnix["PID"], overUnix["CONNECTION"]));

        // `start` of the adopted service starts nothing: one copy runs.
        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start is { ExitCode: 0, StdErr: "" }, start.ToString());
        Assert.Equal([report.Pid], ServiceProcesses(root));

        // The Accept=yes socket, whose listener died with the first manager, is bound and serving again.
        Assert.Equal("active", Cli.IsActive(root, DemoUnits.SocketName));
        CommandResult echo = Cli.RunProgram(root, "socat", "after takeover\n", "-t", "5", "-", $"TCP:127.0.0.1:{echoPort}");
        Assert.True(echo is { ExitCode: 0, StdOut: "after takeover\n" }, echo.ToString());

        // `stop` stops the adopted process (not our child: its exit is seen through its pidfd) and the socket listens.
        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop is { ExitCode: 0, StdErr: "" }, stop.ToString());
        Assert.True(await Wait.UntilAsync(() => !ProcFs.IsAlive(report.Pid)), "the adopted service stopped");
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, Service), s => s == "inactive"));
        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        await AcceptTests.AssertJournalHasAsync(root, Service, $"{Service}: Supervising process {report.Pid} which is not our child. Its exit will be noticed, its exit status will not be known.", second.Pid);

        // A new client starts a new service process on the socket the manager holds again.
        ListenReport fresh = ListenReport.FromTcp(port);
        Assert.True(fresh.Check == "ok", fresh.Text);
        Assert.NotEqual(report["PID"], fresh["PID"]);
        Assert.Equal([fresh.Pid], ServiceProcesses(root));
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task A_service_that_died_with_its_manager_is_not_adopted_and_its_socket_is_bound_again()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, AcceptNoTests.SocketUnit($"ListenStream=127.0.0.1:{port}"));
        root.WriteUnit(Service, AcceptNoTests.ListenCheckService($"-r {root.Dir}/report"));

        using DaemonProcess first = await AcceptTests.StartSocketAsync(root, Socket);
        ListenReport report = ListenReport.FromTcp(port);
        Assert.True(report.Check == "ok", report.Text);
        await KillManagerAsync(first);
        Signals.Send(report.Pid, Signals.SIGKILL);
        Assert.True(await Wait.UntilAsync(() => !ProcFs.IsAlive(report.Pid)), "the orphan is gone");

        using DaemonProcess second = await DaemonProcess.StartAsync(root);
        Assert.Equal("inactive", Cli.IsActive(root, Service));
        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        ListenReport fresh = ListenReport.FromTcp(port);
        Assert.True(fresh.Check == "ok", fresh.Text);
        Assert.NotEqual(report["PID"], fresh["PID"]);
        Assert.Equal("1", fresh["CONNECTION"]);
        Assert.Equal([fresh.Pid], ServiceProcesses(root));
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task A_oneshot_service_that_remained_after_exit_stays_active_and_is_not_run_again()
    {
        using var root = new TempRoot();
        string runs = Path.Combine(root.Dir, "runs");
        root.WriteUnit("once.service", $"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo run >> {runs}'\n\n[Install]\nWantedBy=multi-user.target\n");
        Assert.Equal(0, Cli.Run(root, "enable", "once.service").ExitCode);

        using DaemonProcess first = await DaemonProcess.StartAsync(root);
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "once.service"), s => s == "active"));
        string invocation = Cli.ShowOne(root, "once.service", "InvocationID");
        await KillManagerAsync(first);

        using DaemonProcess second = await DaemonProcess.StartAsync(root);
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "exited", ["InvocationID"] = invocation },
            Cli.Show(root, "once.service", "ActiveState", "SubState", "InvocationID"));
        Assert.Equal("run\n", File.ReadAllText(runs));
        Assert.Equal(0, await second.StopAsync());
    }

    /// <summary>SIGKILL, as a crash would end it; its descendants are recorded first so the harness can clean them up.</summary>
    private static async Task KillManagerAsync(DaemonProcess daemon)
    {
        daemon.Descendants();
        Signals.Send(daemon.Pid, Signals.SIGKILL);
        Assert.True(await Wait.UntilAsync(() => daemon.HasExited), "the manager died");
    }

    /// <summary>The live processes of this test's services: those whose command line names its directory.</summary>
    private static List<int> ServiceProcesses(TempRoot root) =>
        ProcFs.All()
            .Where(p => p.Comm == "listen-check" && p.State is not 'Z' and not 'X' && CommandLineOf(p.Pid).Contains(root.Dir, StringComparison.Ordinal))
            .Select(p => p.Pid)
            .Order()
            .ToList();

    private static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
