using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Unit globs as systemctl takes them: fnmatch over the loaded units, plain names first, inactive matches left out
/// (systemd 252's expand_unit_names()). `demo-echo@*` names the running instances of the demo's template.
/// </summary>
public sealed class UnitGlobTests
{
    [Fact]
    public async Task A_glob_names_the_running_instances_in_status_show_is_active_and_kill()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        string systemctl = MultiCallLinks.Create(root, "systemctl");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        int clientPort = Clients.LocalPort(client);
        string instance = DemoUnits.InstanceName("demo-echo", 0, "127.0.0.1", port, "127.0.0.1", clientPort);
        client.Send("ping\n"u8);
        Assert.Equal(["ping"], Clients.ReadLines(client, 1));

        CommandResult status = Cli.RunProgram(root, systemctl, null, "status", "demo-echo@*", "-n", "0");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.StartsWith($"● {instance} - Per-connection echo service", status.StdOut);

        CommandResult isActive = Cli.RunProgram(root, systemctl, null, "is-active", "demo-echo@*");
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());

        // Plain names first, then the matches in name order; a unit named twice is shown once.
        CommandResult show = Cli.RunProgram(root, systemctl, null, "show", "-p", "Id", "demo-echo*", "demo-echo.socket");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal($"Id=demo-echo.socket\n\nId={instance}\n", show.StdOut);

        CommandResult kill = Cli.RunProgram(root, systemctl, null, "kill", "demo-echo@*");
        Assert.True(kill is { ExitCode: 0, StdErr: "" }, kill.ToString());
        Assert.Equal("", Clients.ReadToEnd(client));

        // Nothing matches any more: systemctl prints nothing and answers "not active".
        CommandResult gone = await Wait.ForAsync(() => Cli.RunProgram(root, systemctl, null, "is-active", "demo-echo@*"), r => r.ExitCode == 3);
        Assert.True(gone is { ExitCode: 3, StdOut: "" }, gone.ToString());
    }

    [Fact]
    public async Task Restart_and_stop_take_globs_over_loaded_units()
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        string systemctl = MultiCallLinks.Create(root, "systemctl");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);
        string before = Cli.ShowOne(root, DemoUnits.SocketName, "ActiveEnterTimestampRealtime");

        CommandResult restart = Cli.RunProgram(root, systemctl, null, "restart", "demo-e*.socket");
        Assert.True(restart is { ExitCode: 0, StdErr: "" }, restart.ToString());
        Assert.Equal("active", Cli.IsActive(root, DemoUnits.SocketName));
        Assert.NotEqual(before, Cli.ShowOne(root, DemoUnits.SocketName, "ActiveEnterTimestampRealtime"));

        CommandResult stop = Cli.RunProgram(root, systemctl, null, "stop", "*.sock?t");
        Assert.True(stop is { ExitCode: 0, StdErr: "" }, stop.ToString());
        Assert.Equal("inactive", Cli.IsActive(root, DemoUnits.SocketName));
    }
}
