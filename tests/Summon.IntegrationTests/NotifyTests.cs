using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// sd_notify from a real peer: listen-check sends STATUS=… and READY=1 to $NOTIFY_SOCKET in the order the test
/// scripts, waiting on gate files the test opens, so every state in between can be observed without timing.
/// </summary>
public sealed class NotifyTests
{
    private const string Service = "notify.service";

    private static string NotifyService(string arguments, string extra = "") =>
        $"[Unit]\nDescription=Notify test\n\n[Service]\nType=notify\nExecStart={TestPrograms.ListenCheck} {arguments}\n{extra}\n";

    [Fact]
    public async Task Start_waits_for_READY_and_status_shows_each_STATUS_text()
    {
        using var root = new TempRoot();
        string report = Path.Combine(root.Dir, "report");
        string gate = Path.Combine(root.Dir, "gate");
        root.WriteUnit(Service, NotifyService($"-r {report} -N STATUS=warming-up -g {gate} -N READY=1 -N STATUS=serving"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        // systemctl start blocks until READY=1 for Type=notify.
        Task<CommandResult> start = Task.Run(() => Cli.Run(root, "start", Service));
        ListenReport seen = await ListenReport.FromFileAsync(report);
        Assert.True(seen.Check == "ok", seen.Text);
        Assert.StartsWith(root.RuntimeDir + "/", seen["NOTIFY_SOCKET"]);
        Assert.Equal("", seen["LISTEN_FDS"]);

        CommandResult starting = await Wait.ForAsync(
            () => StatusText.Of(root, Service), s => StatusText.Field(s, "Status") == "\"warming-up\"");
        Assert.Equal("activating (start)", StatusText.Active(starting));
        Assert.Equal("\"warming-up\"", StatusText.Field(starting, "Status"));
        Assert.Equal($"{seen.Pid} (listen-check)", StatusText.Field(starting, "Main PID"));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "activating", ["SubState"] = "start", ["StatusText"] = "warming-up" },
            Cli.Show(root, Service, "ActiveState", "SubState", "StatusText"));
        Assert.False(start.IsCompleted, "start returned before READY=1");

        File.WriteAllText(gate, "");
        CommandResult started = await start.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(started is { ExitCode: 0, StdOut: "", StdErr: "" }, started.ToString());
        Assert.Equal("active", Cli.IsActive(root, Service));

        CommandResult running = await Wait.ForAsync(
            () => StatusText.Of(root, Service), s => StatusText.Field(s, "Status") == "\"serving\"");
        Assert.Equal("active (running)", StatusText.Active(running));
        Assert.Equal("\"serving\"", StatusText.Field(running, "Status"));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running", ["StatusText"] = "serving", ["MainPID"] = seen["PID"] },
            Cli.Show(root, Service, "ActiveState", "SubState", "StatusText", "MainPID"));
        await AcceptTests.AssertJournalHasAsync(root, Service, "Started notify.service - Notify test.", daemon.Pid);

        // On stop listen-check says STOPPING=1 and exits 0.
        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop is { ExitCode: 0, StdOut: "", StdErr: "" }, stop.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "inactive", ["Result"] = "success" },
            Cli.Show(root, Service, "ActiveState", "Result"));
    }

    [Fact]
    public async Task Socket_activated_notify_service_is_activating_until_READY()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string report = Path.Combine(root.Dir, "report");
        string gate = Path.Combine(root.Dir, "gate");
        root.WriteUnit("notify.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit(Service, NotifyService($"-r {report} -g {gate} -N READY=1"));
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "notify.socket");

        using System.Net.Sockets.Socket client = Clients.ConnectTcp(System.Net.IPAddress.Loopback, port);
        ListenReport seen = await ListenReport.FromFileAsync(report);
        Assert.True(seen.Check == "ok", seen.Text);
        Assert.Equal(("1", "notify.socket"), (seen["LISTEN_FDS"], seen["LISTEN_FDNAMES"]));
        Assert.Equal("activating", await Wait.ForAsync(() => Cli.ShowOne(root, Service, "ActiveState"), s => s == "activating"));
        Assert.Equal("activating (start)", StatusText.Active(StatusText.Of(root, Service)));

        File.WriteAllText(gate, "");
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, Service), s => s == "active"));
        // After READY=1 listen-check serves the connection that started it.
        ListenReport served = ListenReport.Parse(Clients.ReadToEnd(client));
        Assert.Equal((seen["PID"], "1"), (served["PID"], served["CONNECTION"]));
    }

    [Fact]
    public async Task Notify_service_that_exits_before_READY_fails_the_start()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, NotifyService("-N STATUS=giving-up -x 1"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Contains("notify.service", start.StdErr);
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "exit-code", ["ExecMainStatus"] = "1" },
            Cli.Show(root, Service, "ActiveState", "Result", "ExecMainStatus"));
        Assert.Equal("failed (Result: exit-code)", StatusText.Active(StatusText.Of(root, Service)));
        await AcceptTests.AssertJournalHasAsync(root, Service, "notify.service: Main process exited, code=exited, status=1/FAILURE", daemon.Pid);
        await AcceptTests.AssertJournalHasAsync(root, Service, "notify.service: Failed with result 'exit-code'.", daemon.Pid);
    }

    [Theory]
    [InlineData("simple", "", false)]        // NotifyAccess= defaults to none unless Type=notify
    [InlineData("simple", "NotifyAccess=main", true)]
    [InlineData("exec", "NotifyAccess=all", true)]
    public async Task NOTIFY_SOCKET_is_given_per_NotifyAccess(string type, string notifyAccess, bool expected)
    {
        using var root = new TempRoot();
        string report = Path.Combine(root.Dir, "report");
        root.WriteUnit(Service, $"[Service]\nType={type}\n{notifyAccess}\nExecStart={TestPrograms.ListenCheck} -r {report}\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start.ToString());
        ListenReport seen = await ListenReport.FromFileAsync(report);
        Assert.Equal(expected, seen["NOTIFY_SOCKET"].StartsWith(root.RuntimeDir + "/", StringComparison.Ordinal));
        if (!expected)
        {
            Assert.Equal("", seen["NOTIFY_SOCKET"]);
        }
    }
}
