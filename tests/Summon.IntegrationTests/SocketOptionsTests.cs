using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The [Socket] options the manager applies, read back from the service's side with getsockopt(2) (listen-check's
/// OPT lines) and from `ss`; and the file-system side of Unix sockets and FIFOs: owner, mode, Symlinks=, RemoveOnStop=.
/// </summary>
public sealed class SocketOptionsTests
{
    [Fact]
    public async Task Tcp_socket_options_are_applied_to_the_listening_socket()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("opts.socket",
            $"[Socket]\nListenStream=127.0.0.1:{port}\nNoDelay=yes\nKeepAlive=yes\nReusePort=yes\nReceiveBuffer=256K\n" +
            "SendBuffer=128K\nMark=7\nPriority=3\nDeferAcceptSec=5\nBacklog=42\n");
        root.WriteUnit("opts.service", $"[Service]\nExecStart={TestPrograms.ListenCheck}\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "opts.socket");

        // The listen backlog is the Send-Q of a listening socket in `ss -ltn`.
        CommandResult ss = Command.Run("ss", ["-Hltn", $"sport = :{port}"]);
        Assert.Equal("42", ss.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);

        // TCP_DEFER_ACCEPT: the client must send before the kernel completes the accept.
        ListenReport report = ListenReport.FromTcp(port);
        Assert.True(report.Check == "ok", report.Text);
        var options = report["OPT3"].Split(' ').Select(o => o.Split('=')).ToDictionary(o => o[0], o => o[1]);
        Assert.Equal(("1", "1", "1", "1", "7", "3"), (options["keepalive"], options["reuseport"], options["reuseaddr"], options["nodelay"], options["mark"], options["priority"]));
        Assert.Equal((2 * 256 * 1024).ToString(), options["rcvbuf"]);   // the kernel doubles SO_RCVBUF(FORCE)
        Assert.Equal((2 * 128 * 1024).ToString(), options["sndbuf"]);
        Assert.NotEqual("0", options["deferaccept"]);                   // stored as retransmits; never 0 once set
    }

    [RootFact]
    public async Task Unix_socket_node_gets_owner_mode_symlinks_and_is_removed_on_stop()
    {
        using var root = new TempRoot();
        string path = Path.Combine(root.RuntimeDir, "sub", "app.sock");
        string link = Path.Combine(root.RuntimeDir, "app-link.sock");
        root.WriteUnit("node.socket",
            $"[Socket]\nListenStream={path}\nSocketUser=nobody\nSocketGroup=nogroup\nSocketMode=0640\nDirectoryMode=0750\n" +
            $"Symlinks={link}\nRemoveOnStop=yes\n");
        root.WriteUnit("node.service", $"[Service]\nExecStart={TestPrograms.ListenCheck}\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "node.socket");

        CommandResult stat = Command.Run("stat", ["-c", "%U %G %a %F", path]);
        Assert.Equal("nobody nogroup 640 socket\n", stat.StdOut);
        Assert.Equal("750\n", Command.Run("stat", ["-c", "%a", Path.GetDirectoryName(path)!]).StdOut);
        Assert.Equal(path, new FileInfo(link).LinkTarget);
        Assert.Equal("ok", ListenReport.FromUnix(link).Check);

        Assert.Equal(0, Cli.Run(root, "stop", "node.socket", "node.service").ExitCode);
        Assert.False(File.Exists(path) || new FileInfo(path).LinkTarget is not null, "socket node left after RemoveOnStop=yes");
        Assert.Null(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Fifo_is_created_and_passed_to_the_service()
    {
        using var root = new TempRoot();
        string fifo = Path.Combine(root.RuntimeDir, "in.fifo");
        string report = Path.Combine(root.Dir, "report");
        root.WriteUnit("pipe.socket", $"[Socket]\nListenFIFO={fifo}\nSocketMode=0600\n");
        root.WriteUnit("pipe.service", $"[Service]\nExecStart={TestPrograms.ListenCheck} -r {report} -x 0\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "pipe.socket");

        Assert.Equal("fifo 600\n", Command.Run("stat", ["-c", "%F %a", fifo]).StdOut.Replace("fifo (named pipe)", "fifo"));
        Assert.Equal([$"{fifo} (FIFO)"], Cli.Run(root, "show", "pipe.socket", "-p", "Listen", "--value").StdOutLines);
        File.WriteAllText(fifo, "wake up\n");   // readable → the service starts with the FIFO on fd 3
        ListenReport seen = await ListenReport.FromFileAsync(report);
        Assert.True(seen.Check == "ok", seen.Text);
        Assert.Equal(("1", "pipe.socket"), (seen["LISTEN_FDS"], seen["LISTEN_FDNAMES"]));
        Assert.StartsWith("fifo", seen.Fd(3));
    }
}
