using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Accept=no: the first connection starts NAME.service with the listening sockets at fd 3.., and listen-check
/// (tests/Programs) reports what it was given: LISTEN_PID == its pid, LISTEN_FDS, LISTEN_FDNAMES, and nothing else open.
/// </summary>
public sealed class AcceptNoTests
{
    private const string Socket = "demo.socket";
    private const string Service = "demo.service";

    internal static string SocketUnit(string listenLines, string extra = "") =>
        $"[Unit]\nDescription=Demo socket\n\n[Socket]\n{listenLines}\n{extra}\n";

    internal static string ListenCheckService(string arguments = "", string extra = "") =>
        $"[Unit]\nDescription=Demo service\n\n[Service]\nExecStart={TestPrograms.ListenCheck} {arguments}\n{extra}\n";

    [Fact]
    public async Task First_connection_starts_the_service_with_the_socket_on_fd_3_and_nothing_else()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit($"ListenStream=127.0.0.1:{port}"));
        root.WriteUnit(Service, ListenCheckService());
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        // Nothing runs until a client comes.
        Assert.Equal("inactive", Cli.IsActive(root, Service));
        Assert.Equal(Service, Cli.ShowOne(root, Socket, "Triggers"));

        ListenReport report = ListenReport.FromTcp(port);
        Assert.True(report.Check == "ok", report.Text);
        Assert.Equal(report["PID"], report["LISTEN_PID"]);
        Assert.Equal(report["PID"], report["SYSTEMD_EXEC_PID"]);
        Assert.Equal(
            ("1", "demo.socket", $"inet stream listening blocking 127.0.0.1:{port}", "1", "3"),
            (report["LISTEN_FDS"], report["LISTEN_FDNAMES"], report.Fd(3), report["CONNECTION"], report["SERVED_FD"]));
        Assert.Equal([0, 1, 2, 3], report.OpenFds);
        Assert.Matches("^[0-9a-f]{32}$", report["INVOCATION_ID"]);
        // Nothing on the activation path loads OpenSSL (RandomNumberGenerator does, for $INVOCATION_ID: it cost the
        // first activation ~4 ms and the daemon ~3 MB of mappings).
        string maps = File.ReadAllText($"/proc/{daemon.Pid}/maps");
        Assert.DoesNotContain("libcrypto", maps);
        Assert.DoesNotContain("libssl", maps);

        // The service is the socket's: it runs, the socket stops polling (running), and the pid is the main pid.
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running", ["MainPID"] = report["PID"] },
            Cli.Show(root, Service, "ActiveState", "SubState", "MainPID"));
        Assert.Equal("running", Cli.ShowOne(root, Socket, "SubState"));
        CommandResult status = StatusText.Of(root, Service);
        Assert.Equal("active (running)", StatusText.Active(status));
        Assert.Equal($"{report.Pid} (listen-check)", StatusText.Field(status, "Main PID"));
        Assert.Equal($"● {Socket}", StatusText.Field(status, "TriggeredBy"));
        await AcceptTests.AssertJournalHasAsync(root, Service, "Started demo.service - Demo service.", daemon.Pid);

        // The same process serves the next connection: the socket was passed, not each connection.
        ListenReport second = ListenReport.FromTcp(port);
        Assert.Equal((report["PID"], "2"), (second["PID"], second["CONNECTION"]));

        // Stopping the service hands the socket back to the manager, which polls it again.
        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop is { ExitCode: 0, StdOut: "", StdErr: "" }, stop.ToString());
        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        Assert.Equal("inactive", Cli.IsActive(root, Service));
        Assert.False(ProcFs.IsAlive(report.Pid));

        // And a new client starts a new service process.
        ListenReport third = ListenReport.FromTcp(port);
        Assert.True(third.Check == "ok", third.Text);
        Assert.NotEqual(report["PID"], third["PID"]);
        Assert.Equal("1", third["CONNECTION"]);
    }

    [Fact]
    public async Task Service_that_exits_returns_the_socket_to_listening_and_a_pending_connection_starts_it_again()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit($"ListenStream=127.0.0.1:{port}"));
        root.WriteUnit(Service, ListenCheckService("-n 1"));   // serves one connection, exits 0
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        // Both connect at once (the kernel queues them); the first service process takes one and exits.
        using Socket first = Clients.ConnectTcp(IPAddress.Loopback, port);
        using Socket second = Clients.ConnectTcp(IPAddress.Loopback, port);
        ListenReport a = ListenReport.Parse(Clients.ReadToEnd(first));
        ListenReport b = ListenReport.Parse(Clients.ReadToEnd(second));
        Assert.True(a.Check == "ok" && b.Check == "ok", a.Text + b.Text);
        Assert.Equal(("1", "1"), (a["CONNECTION"], b["CONNECTION"]));
        Assert.NotEqual(a.Pid, b.Pid);

        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "inactive", ["Result"] = "success", ["MainPID"] = "0" },
            await Wait.ForAsync(() => Cli.Show(root, Service, "ActiveState", "Result", "MainPID"), p => p["ActiveState"] == "inactive"));
        Assert.Equal("active", Cli.IsActive(root, Socket));
        Assert.Empty(await Wait.ForAsync(daemon.ZombieChildren, z => z.Count == 0));
    }

    [Fact]
    public async Task FileDescriptorName_and_several_listen_lines_give_all_fds_in_config_order()
    {
        using var root = new TempRoot();
        int first = FreePort.Tcp();
        int second = FreePort.Tcp();
        string path = Path.Combine(root.RuntimeDir, "demo.sock");
        root.WriteUnit(Socket, SocketUnit(
            $"ListenStream=127.0.0.1:{first}\nListenStream={path}\nListenStream=127.0.0.1:{second}",
            "FileDescriptorName=web"));
        root.WriteUnit(Service, ListenCheckService());
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        ListenReport report = ListenReport.FromTcp(second);
        Assert.True(report.Check == "ok", report.Text);
        Assert.Equal(
            ("3", "web:web:web", "5"),
            (report["LISTEN_FDS"], report["LISTEN_FDNAMES"], report["SERVED_FD"]));
        Assert.Equal(
            [$"inet stream listening blocking 127.0.0.1:{first}", $"unix stream listening blocking {path}", $"inet stream listening blocking 127.0.0.1:{second}"],
            [report.Fd(3), report.Fd(4), report.Fd(5)]);
        Assert.Equal([0, 1, 2, 3, 4, 5], report.OpenFds);

        // Every listener reaches the same process.
        ListenReport viaUnix = ListenReport.FromUnix(path);
        ListenReport viaFirst = ListenReport.FromTcp(first);
        Assert.Equal((report["PID"], "4"), (viaUnix["PID"], viaUnix["SERVED_FD"]));
        Assert.Equal((report["PID"], "3"), (viaFirst["PID"], viaFirst["SERVED_FD"]));
    }

    [Fact]
    public async Task Two_socket_units_named_in_Sockets_give_one_service_both_fds()
    {
        using var root = new TempRoot();
        int webPort = FreePort.Tcp();
        int adminPort = FreePort.Tcp();
        root.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{webPort}\nService=pair.service\n");
        root.WriteUnit("admin.socket", $"[Socket]\nListenStream=127.0.0.1:{adminPort}\nService=pair.service\nFileDescriptorName=admin\n");
        root.WriteUnit("pair.service",
            $"[Unit]\nDescription=Pair\n\n[Service]\nExecStart={TestPrograms.ListenCheck}\nSockets=web.socket admin.socket\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "web.socket");
        CommandResult startAdmin = Cli.Run(root, "start", "admin.socket");
        Assert.True(startAdmin.ExitCode == 0, startAdmin.ToString());

        // A client of the second socket starts the service; it gets both sockets in Sockets= order.
        ListenReport report = ListenReport.FromTcp(adminPort);
        Assert.True(report.Check == "ok", report.Text);
        Assert.Equal(
            ("2", "web.socket:admin", $"inet stream listening blocking 127.0.0.1:{webPort}", $"inet stream listening blocking 127.0.0.1:{adminPort}", "4"),
            (report["LISTEN_FDS"], report["LISTEN_FDNAMES"], report.Fd(3), report.Fd(4), report["SERVED_FD"]));
        Assert.Equal(report["PID"], ListenReport.FromTcp(webPort)["PID"]);

        // Both sockets are handed over while the service runs.
        Assert.Equal(
            ("running", "running"),
            (Cli.ShowOne(root, "web.socket", "SubState"), Cli.ShowOne(root, "admin.socket", "SubState")));
        Assert.Equal("active", Cli.IsActive(root, "pair.service"));
    }

    [Fact]
    public async Task NonBlocking_unix_datagram_and_seqpacket_sockets_are_passed_as_configured()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string dgram = Path.Combine(root.RuntimeDir, "dgram.sock");
        string seq = Path.Combine(root.RuntimeDir, "seq.sock");
        root.WriteUnit(Socket, SocketUnit(
            $"ListenStream=127.0.0.1:{port}\nListenDatagram={dgram}\nListenSequentialPacket={seq}",
            "SocketMode=0600"));
        // NonBlocking= is a [Service] setting (systemd-analyze: "Unknown key 'NonBlocking' in section [Socket]").
        root.WriteUnit(Service, ListenCheckService(extra: "NonBlocking=yes"));
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);
        Assert.Equal(
            [$"127.0.0.1:{port} (Stream)", $"{dgram} (Datagram)", $"{seq} (SequentialPacket)"],
            Cli.Run(root, "show", Socket, "-p", "Listen", "--value").StdOutLines);
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(seq));

        ListenReport report = ListenReport.FromTcp(port);
        Assert.True(report.Check == "ok", report.Text);
        Assert.Equal(
            ($"inet stream listening nonblocking 127.0.0.1:{port}", $"unix dgram bound nonblocking {dgram}", $"unix seqpacket listening nonblocking {seq}"),
            (report.Fd(3), report.Fd(4), report.Fd(5)));

        // The datagram socket is served by the same process (listen-check answers the sender).
        string client = Path.Combine(root.RuntimeDir, "client.sock");
        using var datagram = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)Clients.ReceiveTimeout.TotalMilliseconds,
        };
        datagram.Bind(new UnixDomainSocketEndPoint(client));
        datagram.SendTo("ping"u8.ToArray(), new UnixDomainSocketEndPoint(dgram));
        var buffer = new byte[16384];
        int n = datagram.Receive(buffer);
        ListenReport viaDatagram = ListenReport.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        Assert.Equal((report["PID"], "4"), (viaDatagram["PID"], viaDatagram["SERVED_FD"]));
    }

    [Fact]
    public async Task Pending_connection_after_each_exit_hits_the_trigger_limit()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit($"ListenStream=127.0.0.1:{port}", "TriggerLimitIntervalSec=1h\nTriggerLimitBurst=2"));
        // Exits at once without accepting: the queued connection makes the socket ready again and again.
        root.WriteUnit(Service, ListenCheckService("-x 0"));
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, Socket), s => s == "failed"));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["SubState"] = "failed", ["Result"] = "trigger-limit-hit" },
            Cli.Show(root, Socket, "ActiveState", "SubState", "Result"));
        Assert.Equal("failed (Result: trigger-limit-hit)", StatusText.Active(StatusText.Of(root, Socket)));
        await AcceptTests.AssertJournalHasAsync(root, Socket, "demo.socket: Trigger limit hit, refusing further activation.", daemon.Pid);
        await AcceptTests.AssertJournalHasAsync(root, Socket, "demo.socket: Failed with result 'trigger-limit-hit'.", daemon.Pid);

        // reset-failed forgets it; starting the socket listens again.
        Assert.Equal(0, Cli.Run(root, "reset-failed", Socket).ExitCode);
        Assert.Equal(("inactive", "success"), (Cli.IsActive(root, Socket), Cli.ShowOne(root, Socket, "Result")));
    }

    [Fact]
    public async Task Failing_service_behind_a_socket_hits_the_start_limit_and_fails_the_socket()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit($"ListenStream=127.0.0.1:{port}"));
        root.WriteUnit(Service,
            $"[Unit]\nDescription=Demo service\nStartLimitIntervalSec=1h\nStartLimitBurst=2\n\n[Service]\nExecStart={TestPrograms.ListenCheck} -x 1\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, Socket), s => s == "failed"));
        Assert.Equal("service-start-limit-hit", Cli.ShowOne(root, Socket, "Result"));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "start-limit-hit" },
            Cli.Show(root, Service, "ActiveState", "Result"));
        await AcceptTests.AssertJournalHasAsync(root, Socket, "demo.socket: Failed with result 'service-start-limit-hit'.", daemon.Pid);
        await AcceptTests.AssertJournalHasAsync(root, Service, "demo.service: Start request repeated too quickly.", daemon.Pid);

        Assert.Equal(0, Cli.Run(root, "reset-failed").ExitCode);
        Assert.Equal(("inactive", "inactive"), (Cli.IsActive(root, Socket), Cli.IsActive(root, Service)));
    }
}
