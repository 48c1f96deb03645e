using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>Bad unit files, a port somebody else holds, unknown unit names: each fails alone, loudly and exactly.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Unit_with_a_fatal_setting_error_refuses_to_start_and_others_keep_working()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        // The only Listen line does not parse, so the unit has none: systemd's "bad-setting" load state.
        root.WriteUnit("broken.socket", "[Unit]\nDescription=Broken\n\n[Socket]\nListenStream=not-an-address\nAccept=yes\n");
        root.WriteUnit("broken@.service", DemoUnits.Service);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);

        CommandResult start = Cli.Run(root, "start", "broken.socket");
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Contains("Failed to start broken.socket: Unit broken.socket has a bad unit file setting.", start.StdErrLines);
        Assert.Equal("bad-setting", Cli.ShowOne(root, "broken.socket", "LoadState"));
        CommandResult isActive = Cli.Run(root, "is-active", "broken.socket");
        Assert.True(isActive is { ExitCode: 3, StdOut: "inactive\n" }, isActive.ToString());

        CommandResult nc = Cli.RunProgram(root, "nc", "still fine\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "still fine\n" }, nc.ToString());
        Assert.Equal("active", Cli.IsActive(root, DemoUnits.SocketName));
        Assert.False(daemon.HasExited);
    }

    [Fact]
    public async Task Port_already_in_use_fails_that_socket_only_and_a_restart_recovers_once_free()
    {
        using var root = new TempRoot();
        int goodPort = FreePort.Tcp();
        DemoUnits.Write(root, goodPort);
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        int busyPort = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        root.WriteUnit("busy.socket", $"[Unit]\nDescription=Busy socket\n\n[Socket]\nListenStream=127.0.0.1:{busyPort}\nAccept=yes\n\n[Install]\nWantedBy=sockets.target\n");
        root.WriteUnit("busy@.service", DemoUnits.Service);

        // Both enabled before the daemon starts, so the daemon starts both and one of them fails.
        foreach (string unit in (string[])[DemoUnits.SocketName, "busy.socket"])
        {
            CommandResult enable = Cli.Run(root, "enable", unit);
            Assert.True(enable.ExitCode == 0, enable.ToString());
        }

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "busy.socket"), s => s == "failed"));
        CommandResult isActive = Cli.Run(root, "is-active", "busy.socket");
        Assert.True(isActive is { ExitCode: 3, StdOut: "failed\n" }, isActive.ToString());
        Assert.Equal("failed", Cli.ShowOne(root, "busy.socket", "SubState"));

        List<string> messages = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "busy.socket", "--no-pager").StdOut)
            .Select(j => j.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Address already in use", StringComparison.Ordinal));
        Assert.Contains("Failed to listen on busy.socket - Busy socket.", messages);

        // The daemon and the other socket are unaffected.
        Assert.Equal("active", Cli.IsActive(root, DemoUnits.SocketName));
        CommandResult nc = Cli.RunProgram(root, "nc", "unaffected\n", "-N", "127.0.0.1", goodPort.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "unaffected\n" }, nc.ToString());

        // Starting again while the port is still taken fails again (a failed job: rc 1, like systemctl).
        CommandResult again = Cli.Run(root, "start", "busy.socket");
        Assert.True(again.ExitCode == 1, again.ToString());

        squatter.Close();
        CommandResult retry = Cli.Run(root, "start", "busy.socket");
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal("active", Cli.IsActive(root, "busy.socket"));
        CommandResult echo = Cli.RunProgram(root, "nc", "recovered\n", "-N", "127.0.0.1", busyPort.ToString());
        Assert.True(echo is { ExitCode: 0, StdOut: "recovered\n" }, echo.ToString());
        Assert.Equal(0, await daemon.StopAsync());
    }

    public static TheoryData<string[], int, string, string> UnknownUnitCases => new()
    {
        // verb…, exit code, stdout, stderr line (systemctl 252 wording)
        { ["start", "foo.socket"], 5, "", "Failed to start foo.socket: Unit foo.socket not found." },
        { ["status", "foo.socket"], 4, "", "Unit foo.socket could not be found." },
        { ["status", "--no-pager", "--full", "foo.socket"], 4, "", "Unit foo.socket could not be found." },
        { ["is-active", "foo.socket"], 3, "inactive\n", "" },
    };

    [Theory]
    [MemberData(nameof(UnknownUnitCases))]
    public async Task Unknown_unit_name_is_reported_like_systemctl(string[] arguments, int exitCode, string stdout, string stderrLine)
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult result = Cli.Run(root, arguments);
        Assert.True(result.ExitCode == exitCode && result.StdOut == stdout, result.ToString());
        Assert.Equal(stderrLine == "" ? [] : [stderrLine], result.StdErrLines);
        Assert.False(daemon.HasExited);
    }
}
