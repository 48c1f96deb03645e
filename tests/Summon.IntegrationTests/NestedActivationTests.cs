using System.Net;
using System.Net.Sockets;
using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 16, item 4: <c>summon daemon</c> started with LISTEN_FDS by a real parent (systemd-socket-activate, another
/// Summon) serves its socket units on the inherited fds instead of binding, and with NOTIFY_SOCKET tells the parent
/// READY=1 only once its boot units are up.
/// </summary>
public sealed class NestedActivationTests
{
    private static void Enable(TempRoot root, string target, string unit)
    {
        string wants = Path.Combine(root.UnitDir, target + ".wants");
        Directory.CreateDirectory(wants);
        File.CreateSymbolicLink(Path.Combine(wants, unit), Path.Combine(root.UnitDir, unit));
    }

    /// <summary>
    /// systemd-socket-activate's arguments for <paramref name="listen"/>, then the daemon: it passes the launched process
    /// no environment but LISTEN_* and what -E names, so the root's paths are named (without them the daemon would be a
    /// system manager of the host's units). It binds, waits for the first connection, then execs the daemon.
    /// </summary>
    private static string[] SocketActivate(TempRoot root, string[] listen, params string[] extra) =>
        [.. listen, .. root.Environment.Keys.SelectMany(k => new[] { "-E", k }), .. extra, SummonBinary.Path, "daemon"];

    /// <summary>Until systemd-socket-activate has bound <paramref name="port"/>.</summary>
    private static async Task WaitListening(TempRoot root, int port) =>
        Assert.Single(await Wait.ForAsync(() => Listeners(root, port), l => l.Count == 1));

    /// <summary>A receiving sd_notify socket, as a parent manager holds one.</summary>
    private static Socket NotifyReceiver(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 30_000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>The users ss(8) names for the TCP listener on <paramref name="port"/>, one line per listening socket.</summary>
    private static List<string> Listeners(TempRoot root, int port) =>
        CommandResult.SplitLines(Cli.RunProgram(root, "ss", null, "-Hltnp", $"sport = :{port}").StdOut).ToList();

    [Fact]
    public async Task Accept_yes_unit_serves_on_the_fd_systemd_socket_activate_bound_and_READY_comes_after_boot()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n[Install]\nWantedBy=sockets.target\n");
        root.WriteUnit("web@.service", DemoUnits.Service);
        Enable(root, "sockets.target", "web.socket");
        // A boot unit that takes a while: READY=1 must wait for it.
        root.WriteUnit("slow.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 1\n");
        Enable(root, "multi-user.target", "slow.service");
        string notifyPath = Path.Combine(root.Dir, "notify");
        using Socket notify = NotifyReceiver(notifyPath);

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "systemd-socket-activate",
            SocketActivate(root, ["-l", $"127.0.0.1:{port}", "--fdname=web"], "-E", $"NOTIFY_SOCKET={notifyPath}", "-E", "WATCHDOG_USEC=400000"),
            waitReady: false);

        // The first connection makes the parent exec the manager, which serves it on the fd it inherited.
        await WaitListening(root, port);
        Task<string> first = Task.Run(() =>
        {
            using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
            return Clients.SendAndReadToEnd(client, "first\n");
        });
        string ready = Receive(notify);
        Assert.Equal("active", Cli.IsActive(root, "slow.service"));   // already when READY=1 arrived
        Assert.StartsWith("READY=1\nSTATUS=Running: ", ready);
        Assert.Contains("0 failed.", ready, StringComparison.Ordinal);
        Assert.Equal("WATCHDOG=1", Receive(notify));   // every half of WATCHDOG_USEC from then on
        Assert.Equal("first\n", await first.WaitAsync(TimeSpan.FromSeconds(30)));
        // One listening socket on the port, the one the parent bound and passed as fd 3 (the parent exec'd summon).
        string listener = Assert.Single(Listeners(root, port));
        Assert.Contains($"pid={daemon.Pid},fd=3)", listener, StringComparison.Ordinal);
        List<string> journal = JournalLine.ParseAll(Cli.Run(root, "journal", "--no-pager").StdOut).Select(l => l.Message).ToList();
        Assert.Contains($"web.socket: Using the inherited socket fd 3 (web) for ListenStream=127.0.0.1:{port}.", journal);

        Assert.Equal(0, await daemon.StopAsync());
        string stopping = await Task.Run(() =>
        {
            string message;
            while ((message = Receive(notify)) == "WATCHDOG=1")
            {
            }

            return message;
        });
        Assert.Equal("STOPPING=1\nSTATUS=Stopping every unit.", stopping);
    }

    [Fact]
    public async Task Accept_no_unit_takes_the_fd_by_FileDescriptorName_and_unmatched_fds_are_closed_with_a_warning()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        int other = FreePort.Tcp();
        int unusedPort = FreePort.Tcp();
        string report = Path.Combine(root.Dir, "report");
        // The unit names another port (as a container's unit names its own): the fd is matched by its name.
        root.WriteUnit("app.socket", $"[Socket]\nListenStream=127.0.0.1:{other}\nFileDescriptorName=web\n[Install]\nWantedBy=sockets.target\n");
        root.WriteUnit("app.service", $"[Service]\nExecStart={TestPrograms.ListenCheck} -r {report}\n");
        Enable(root, "sockets.target", "app.socket");

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "systemd-socket-activate",
            SocketActivate(root, ["-l", $"127.0.0.1:{port}", "-l", $"127.0.0.1:{unusedPort}", "--fdname=web:spare"]), waitReady: false);

        await WaitListening(root, port);
        ListenReport served = ListenReport.FromTcp(port);   // the first connection also makes the parent exec the manager
        Assert.True(served.Check == "ok", served.Text + "\n[log]\n" + daemon.Log);
        Assert.Equal("1", served["LISTEN_FDS"]);
        Assert.Equal("web", served["LISTEN_FDNAMES"]);
        Assert.Empty(Listeners(root, other));   // nothing was bound for the unit's own address
        string journal = Cli.Run(root, "journal", "--no-pager").StdOut;
        Assert.Contains("Inherited fd 4 (spare) matches no Listen*= address nor FileDescriptorName= of the socket units started at boot: closed.", journal, StringComparison.Ordinal);
        Assert.Empty(await Wait.ForAsync(() => Listeners(root, unusedPort), l => l.Count == 0));
    }

    [Fact]
    public async Task A_parent_summon_socket_activates_a_child_summon_daemon_which_serves_and_reports_ready()
    {
        using var root = new TempRoot();
        using var child = new TempRoot();
        int port = FreePort.Tcp();
        child.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n[Install]\nWantedBy=sockets.target\n");
        child.WriteUnit("web@.service", DemoUnits.Service);
        Enable(child, "sockets.target", "web.socket");
        // Type=notify: the parent's start job ends only with the child's READY=1.
        root.WriteUnit("pod.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nFileDescriptorName=web.socket\n");
        root.WriteUnit("pod.service",
            $"[Service]\nType=notify\nExecStart={SummonBinary.Path} daemon\n"
            + $"Environment=SUMMON_UNIT_PATH={child.UnitDir} SUMMON_RUNTIME_DIR={child.RuntimeDir} SUMMON_STATE_DIR={child.StateDir} LANG=C.UTF-8\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "pod.socket").ExitCode);

        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, port))
            Assert.Equal("nested\n", Clients.SendAndReadToEnd(client, "nested\n"));
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "pod.service"), s => s == "active"));
        Assert.StartsWith("Running: ", Cli.ShowOne(root, "pod.service", "StatusText"));
        string listener = Assert.Single(Listeners(root, port));
        Assert.Contains("\"summon\"", listener, StringComparison.Ordinal);
        Assert.Contains("web.socket: Using the inherited socket fd 3 (web.socket)", Cli.Run(child, "journal", "--no-pager").StdOut, StringComparison.Ordinal);

        Assert.Equal(0, Cli.Run(root, "stop", "pod.service").ExitCode);
        Assert.Equal("inactive", Cli.IsActive(root, "pod.service"));
    }
}
