using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The limits and restart policies end to end with real time (their fake-clock twins are in
/// Summon.Core.Tests/Manager): the daemon, the CLI, real sockets and processes. Only final states are asserted.
/// </summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task PollLimitBurst_delays_connections_but_never_fails_the_socket()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nPollLimitIntervalSec=1s\nPollLimitBurst=2\n");
        root.WriteUnit("echo@.service", "[Service]\nExecStart=/bin/cat\nStandardInput=socket\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "echo.socket");

        // Six clients one after another: past the second in a window each waits in the backlog for the next one.
        for (int i = 0; i < 6; i++)
        {
            CommandResult nc = Cli.RunProgram(root, "nc", $"line {i}\n", "-N", "127.0.0.1", port.ToString());
            Assert.True(nc is { ExitCode: 0 } && nc.StdOut == $"line {i}\n", nc.ToString());
        }
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "listening", ["Result"] = "success", ["NAccepted"] = "6", ["NRefused"] = "0" },
            Cli.Show(root, "echo.socket", "ActiveState", "SubState", "Result", "NAccepted", "NRefused"));
    }

    [Fact]
    public async Task Restart_on_failure_with_RestartSec_100ms_reaches_start_limit_hit()
    {
        using var root = new TempRoot();
        const string Unit = "flaky.service";
        root.WriteUnit(Unit, """
            [Unit]
            Description=Always failing
            StartLimitIntervalSec=1min
            StartLimitBurst=3
            [Service]
            ExecStart=/bin/sh -c 'exit 7'
            Restart=on-failure
            RestartSec=100ms
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Cli.Run(root, "start", "--no-block", Unit);
        Dictionary<string, string> final = await Wait.ForAsync(
            () => Cli.Show(root, Unit, "ActiveState", "SubState", "Result", "NRestarts", "ExecMainStatus"),
            s => s.GetValueOrDefault("Result") == "start-limit-hit");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["ActiveState"] = "failed",
                ["SubState"] = "failed",
                ["Result"] = "start-limit-hit",
                ["NRestarts"] = "3",
                ["ExecMainStatus"] = "7",
            },
            final);

        List<string> lines = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut).Select(l => l.Message).ToList();
        Assert.Equal(3, lines.Count(l => l == $"{Unit}: Main process exited, code=exited, status=7/NOTRUNNING"));
        Assert.Equal(
            [
                $"{Unit}: Scheduled restart job, restart counter is at 1.",
                $"{Unit}: Scheduled restart job, restart counter is at 2.",
                $"{Unit}: Scheduled restart job, restart counter is at 3.",
            ],
            lines.Where(l => l.Contains("Scheduled restart job", StringComparison.Ordinal)));
        Assert.Equal(
            [
                $"{Unit}: Start request repeated too quickly.",
                $"{Unit}: Failed with result 'start-limit-hit'.",
                $"Failed to start {Unit} - Always failing.",
            ],
            lines.TakeLast(3));

        // reset-failed clears the failure and the limit: the service runs (and fails) again.
        Assert.Equal(0, Cli.Run(root, "reset-failed", Unit).ExitCode);
        Assert.Equal(("inactive", "success", "0"), (Cli.ShowOne(root, Unit, "ActiveState"), Cli.ShowOne(root, Unit, "Result"), Cli.ShowOne(root, Unit, "NRestarts")));
        Cli.Run(root, "start", "--no-block", Unit);
        Assert.Equal("start-limit-hit", await Wait.ForAsync(() => Cli.ShowOne(root, Unit, "Result"), r => r == "start-limit-hit"));
        Assert.Empty(await Wait.ForAsync(daemon.ZombieChildren, z => z.Count == 0));
    }

    [Fact]
    public async Task Accept_no_socket_whose_service_never_accepts_fails_with_trigger_limit_hit()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("greedy.socket", $"""
            [Socket]
            ListenStream=127.0.0.1:{port}
            TriggerLimitIntervalSec=1min
            TriggerLimitBurst=2
            """);
        root.WriteUnit("greedy.service", "[Service]\nExecStart=/bin/true\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "greedy.socket");

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        Dictionary<string, string> final = await Wait.ForAsync(
            () => Cli.Show(root, "greedy.socket", "ActiveState", "SubState", "Result"),
            s => s.GetValueOrDefault("ActiveState") == "failed");
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["SubState"] = "failed", ["Result"] = "trigger-limit-hit" },
            final);
        Assert.Equal("inactive", Cli.IsActive(root, "greedy.service"));

        List<string> lines = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "greedy.socket", "--no-pager").StdOut).Select(l => l.Message).ToList();
        Assert.Equal(
            ["greedy.socket: Trigger limit hit, refusing further activation.", "greedy.socket: Failed with result 'trigger-limit-hit'."],
            lines.TakeLast(2));
        var refused = Assert.Throws<SocketException>(() => Clients.ConnectTcp(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        // reset-failed, then start: listening again.
        Assert.Equal(0, Cli.Run(root, "reset-failed", "greedy.socket").ExitCode);
        Assert.Equal("inactive", Cli.IsActive(root, "greedy.socket"));
        CommandResult start = Cli.Run(root, "start", "greedy.socket");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("listening", Cli.ShowOne(root, "greedy.socket", "SubState"));
    }
}
