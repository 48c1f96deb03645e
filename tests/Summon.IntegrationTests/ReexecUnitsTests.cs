using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// What the units carry across a real `summon daemon-reexec` (docs/reexec.md, "Units"): a running service keeps its
/// pid and invocation, an Accept=yes instance its connection, the socket its listener (same inode) and its counters,
/// and a line a service began writing before the re-exec is one journal entry after it.
/// </summary>
public sealed class ReexecUnitsTests
{
    private static readonly TimeSpan ReexecTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Kept = ["ActiveState", "SubState", "MainPID", "InvocationID", "ActiveEnterTimestamp", "ExecMainStartTimestamp", "NRestarts"];

    /// <summary>The inode of the socket at fd <paramref name="fd"/> of <paramref name="pid"/> (`stat -L /proc/PID/fd/N`).</summary>
    private static string Inode(TempRoot root, int pid, int fd) => Cli.RunProgram(root, "stat", null, "-L", "-c", "%i", $"/proc/{pid}/fd/{fd}").StdOut.Trim();

    /// <summary>The fd of <paramref name="pid"/> that is the TCP listener on <paramref name="port"/>.</summary>
    private static int ListenerFd(TempRoot root, int pid, int port)
    {
        string inode = File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .First(f => f[1].EndsWith($":{port:X4}", StringComparison.Ordinal) && f[3] == "0A")[9];
        return ProcFs.Fds(pid).Keys.First(fd => Inode(root, pid, fd) == inode);
    }

    [Fact]
    public async Task Services_instances_sockets_and_a_half_written_line_go_on_across_the_re_exec()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        string flag = Path.Combine(root.Dir, "go-on");
        root.WriteUnit("talk.service", $"""
            [Service]
            ExecStart=/bin/sh -c 'printf half-; while [ ! -e {flag} ]; do sleep 0.05; done; echo line; exec sleep 300'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName, "talk.service").ExitCode);

        // An open connection: its instance runs /bin/cat on it.
        using Socket held = Clients.ConnectTcp(IPAddress.Loopback, port);
        held.Send("before\n"u8);
        Assert.Equal(["before"], Clients.ReadLines(held, 1));
        string instance = DemoUnits.InstanceName("demo-echo", 0, "127.0.0.1", port, "127.0.0.1", Clients.LocalPort(held));
        var talkBefore = Cli.Show(root, "talk.service", Kept);
        var instanceBefore = Cli.Show(root, instance, Kept);
        int listener = ListenerFd(root, daemon.Pid, port);
        string inode = Inode(root, daemon.Pid, listener);

        CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec"], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 0, reexec + "\n[log]\n" + daemon.Log);
        Assert.False(daemon.HasExited, daemon.Log);

        // The same processes, invocations and timestamps; the listener is the same socket at the same fd.
        Assert.Equal(talkBefore, Cli.Show(root, "talk.service", Kept));
        Assert.Equal(instanceBefore, Cli.Show(root, instance, Kept));
        Assert.Equal(inode, Inode(root, daemon.Pid, listener));
        Assert.Equal(new Dictionary<string, string> { ["NAccepted"] = "1", ["NConnections"] = "1" }, Cli.Show(root, DemoUnits.SocketName, "NAccepted", "NConnections"));

        // The instance's connection goes on; a new one is instance 1.
        held.Send("after\n"u8);
        Assert.Equal(["after"], Clients.ReadLines(held, 1));
        using (Socket next = Clients.ConnectTcp(IPAddress.Loopback, port))
            Assert.Equal("next\n", Clients.SendAndReadToEnd(next, "next\n"));
        Assert.Equal("2", Cli.ShowOne(root, DemoUnits.SocketName, "NAccepted"));

        // The line begun before the re-exec is one entry.
        File.WriteAllText(flag, "");
        List<JournalLine> lines = await Wait.ForAsync(
            () => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "talk.service", "--no-pager").StdOut),
            l => l.Any(j => j.Message.Contains("line", StringComparison.Ordinal)));
        Assert.Equal("half-line", Assert.Single(lines, j => j.Message.Contains("line", StringComparison.Ordinal)).Message);

        // The instance ends with its connection; the manager reaps it as its own child.
        held.Shutdown(SocketShutdown.Send);
        Assert.Equal("", Clients.ReadToEnd(held));
        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, DemoUnits.SocketName, "NConnections"), n => n == "0"));
        Assert.Empty(daemon.ZombieChildren());
        Assert.Equal(0, await daemon.StopAsync());
    }
}
