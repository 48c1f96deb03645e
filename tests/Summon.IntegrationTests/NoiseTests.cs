using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 12, problem 6 ("Noise"), against the published binary: what systemd says once or not at all, Summon says
/// once or not at all.
/// </summary>
public sealed class NoiseTests
{
    [Fact]
    public void Enable_says_nothing_of_systemd_special_targets_and_still_names_an_unknown_one()
    {
        using var root = new TempRoot();
        string socket = root.WriteUnit("web.socket", "[Socket]\nListenStream=127.0.0.1:9\n[Install]\nWantedBy=sockets.target\n");
        string service = root.WriteUnit("web.service", "[Service]\nExecStart=/bin/cat\n[Install]\nWantedBy=multi-user.target default.target timers.target\n");
        string odd = root.WriteUnit("odd.service", "[Service]\nExecStart=/bin/cat\n[Install]\nWantedBy=no-such.target\n");

        CommandResult enable = Cli.Run(root, "enable", "web.socket", "web.service");
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.All(enable.StdErrLines, line => Assert.StartsWith("Created symlink ", line, StringComparison.Ordinal));
        Assert.Equal(4, enable.StdErrLines.Length);
        Assert.Contains(socket, enable.StdErr, StringComparison.Ordinal);
        Assert.Contains(service, enable.StdErr, StringComparison.Ordinal);

        CommandResult unknown = Cli.Run(root, "enable", "odd.service");
        Assert.True(unknown.ExitCode == 0, unknown.ToString());
        Assert.Contains($"Unit {odd} is added as a dependency to a non-existent unit no-such.target.", unknown.StdErrLines);
    }

    [Fact]
    public async Task A_load_problem_is_logged_with_one_prefix_as_systemd_logs_it()
    {
        using var root = new TempRoot();
        string typo = root.WriteUnit("typo.socket", "[Socket]\nListenStrem=127.0.0.1:9\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "typo.socket");
        Assert.Equal(1, start.ExitCode);
        string journal = Cli.Run(root, "journal", "--no-pager", "-u", "typo.socket").StdOut;
        Assert.Contains($"]: {typo}:2: Unknown key 'ListenStrem' in section [Socket], ignoring.\n", journal, StringComparison.Ordinal);
        Assert.Contains("]: typo.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.\n", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("typo.socket: typo.socket:", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("typo.socket: /", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_manager_without_XDG_RUNTIME_DIR_says_in_one_line_which_enabled_units_need_it()
    {
        using var root = new TempRoot();
        Assert.False(root.Environment.ContainsKey("XDG_RUNTIME_DIR"));
        int port = FreePort.Tcp();
        foreach (string name in (string[])["dirmngr", "gpg-agent", "pipewire"])
        {
            root.WriteUnit($"{name}.socket", $"[Socket]\nListenStream=%t/{name}.sock\n[Install]\nWantedBy=sockets.target\n");
            root.WriteUnit($"{name}.service", "[Service]\nExecStart=/bin/cat\n");
        }
        root.WriteUnit("plain.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n[Install]\nWantedBy=sockets.target\n");
        root.WriteUnit("plain.service", "[Service]\nExecStart=/bin/cat\n");
        CommandResult enable = Cli.Run(root, "enable", "dirmngr.socket", "gpg-agent.socket", "pipewire.socket", "plain.socket");
        Assert.True(enable.ExitCode == 0, enable.ToString());

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["--user", "daemon"], waitReady: true);
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "plain.socket"), s => s == "active"));

        string[] about = daemon.Log.Split('\n').Where(l => l.Contains("dirmngr", StringComparison.Ordinal) || l.Contains("%t", StringComparison.Ordinal)).ToArray();
        string line = Assert.Single(about);
        Assert.Contains("dirmngr.socket, gpg-agent.socket, pipewire.socket", line, StringComparison.Ordinal);
        Assert.Contains("XDG_RUNTIME_DIR", line, StringComparison.Ordinal);
        Assert.Equal("inactive", Cli.IsActive(root, "pipewire.socket"));
    }

    [Fact]
    public async Task A_socket_whose_service_has_no_ExecStart_is_refused_with_the_reason_as_systemd_does()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("noexec.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit("noexec.service", "[Service]\nType=simple\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "noexec.socket");
        Assert.Equal(1, start.ExitCode);
        Assert.StartsWith("Job for noexec.socket failed.\n", start.StdErr, StringComparison.Ordinal);
        Assert.Equal("inactive", Cli.IsActive(root, "noexec.socket"));
        var refused = Assert.Throws<SocketException>(() => Clients.ConnectTcp(IPAddress.Loopback, port).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        string journal = Cli.Run(root, "journal", "--no-pager").StdOut;
        Assert.Contains("]: noexec.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.\n", journal, StringComparison.Ordinal);
        Assert.Contains("]: noexec.socket: Socket service noexec.service not loaded, refusing.\n", journal, StringComparison.Ordinal);
        Assert.Contains("]: Failed to listen on noexec.socket.\n", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", journal, StringComparison.Ordinal);
    }
}
