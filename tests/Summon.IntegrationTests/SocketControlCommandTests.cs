using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// A socket's ExecStartPost=/ExecStopPost= and a failing ExecStartPre= run by the real manager with real processes:
/// Debian's cockpit.socket as written (but on a free port and a temporary directory), and a start-pre failure as
/// `status` and `show` report it.
/// </summary>
public sealed class SocketControlCommandTests
{
    [Fact]
    public async Task Cockpit_socket_runs_its_ExecStartPost_and_ExecStopPost_lines()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string motd = Path.Combine(root.Dir, "motd");
        root.WriteUnit("cockpit.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit("cockpit.socket", $"""
            [Unit]
            Description=Cockpit Web Service Socket
            Documentation=man:cockpit-ws(8)

            [Socket]
            ListenStream=127.0.0.1:{port}
            ExecStartPost=-/usr/share/cockpit/motd/update-motd '' localhost
            ExecStartPost=-/bin/ln -snf active.motd {motd}
            ExecStopPost=-/bin/ln -snf inactive.motd {motd}

            [Install]
            WantedBy=sockets.target
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", "cockpit.socket").ExitCode);
        Assert.Equal("active", Cli.IsActive(root, "cockpit.socket"));
        Assert.Equal("active.motd", new FileInfo(motd).LinkTarget);   // the second ExecStartPost= ran after the first failed (ignored)

        Assert.Equal(0, Cli.Run(root, "stop", "cockpit.socket").ExitCode);
        Assert.Equal("inactive.motd", new FileInfo(motd).LinkTarget);
        Assert.Equal("inactive", Cli.IsActive(root, "cockpit.socket"));
        Assert.Equal("success", Cli.ShowOne(root, "cockpit.socket", "Result"));
    }

    [Fact]
    public async Task A_failing_ExecStartPre_fails_the_socket_with_exit_code_and_binds_nothing()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string ran = Path.Combine(root.Dir, "stop-post-ran");
        root.WriteUnit("pre.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit("pre.socket", $"""
            [Socket]
            ListenStream=127.0.0.1:{port}
            ExecStartPre=/bin/sh -c 'exit 3'
            ExecStopPost=/bin/touch {ran}
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.NotEqual(0, Cli.Run(root, "start", "pre.socket").ExitCode);
        Assert.Equal("failed", Cli.IsActive(root, "pre.socket"));
        Assert.Equal("exit-code", Cli.ShowOne(root, "pre.socket", "Result"));
        Assert.False(File.Exists(ran));   // a start-pre failure goes to final-sigterm: no ExecStopPost=, as systemd
        using (var probe = new System.Net.Sockets.TcpClient())
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync("127.0.0.1", port));
        string status = Cli.Run(root, "status", "--no-pager", "pre.socket").StdOut;
        Assert.Matches(@"Process: \d+ ExecStartPre=/bin/sh -c exit 3 \(code=exited, status=3/\w+\)", status);
        Assert.Contains("Result: exit-code", status, StringComparison.Ordinal);
    }
}
