using System.Diagnostics;
using Summon.Control;
using Summon.IntegrationTests.Harness;
using Summon.Tests;

namespace Summon.IntegrationTests;

/// <summary>
/// The event loop never blocks on a unit (issue 11, item 2): a child held before its execve — a FIFO on one of its
/// standard streams that nobody opens, SIGSTOP — holds its own unit and nothing else. While it is held, is-active of
/// another unit answers within 100 ms and another Accept=yes socket keeps echoing; once released the unit proceeds,
/// and a stream that cannot be opened fails it with systemd's status. The same holds for a StateDirectory= on a file
/// system that never answers (a FUSE mount standing in for a dead NFS server), which TimeoutStartSec= ends.
/// </summary>
public sealed class LoopNeverBlocksTests
{
    private static readonly TimeSpan Answer = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stdout_on_a_FIFO_without_reader_holds_only_its_unit()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string fifo = MakeFifo(root, "out.fifo");
        root.WriteUnit("fifo-out.service", $"[Service]\nExecStart=/bin/echo through the fifo\nStandardOutput=file:{fifo}\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);

        Start(root, "fifo-out.service", noBlock: true);
        await AssertManagerServesAsync(root, port);

        string read = await ReadFifoAsync(fifo);
        Assert.Equal("through the fifo\n", read);
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "fifo-out.service"), s => s == "inactive"));
        Assert.Equal("0", Cli.ShowOne(root, "fifo-out.service", "ExecMainStatus"));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Oneshot_held_before_exec_by_its_stdin_FIFO_holds_only_its_unit_and_then_finishes()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string fifo = MakeFifo(root, "in.fifo");
        root.WriteUnit("held.service", $"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/cat\nStandardInput=file:{fifo}\nStandardOutput=journal\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);

        Start(root, "held.service", noBlock: true);
        Assert.Equal("activating", await Wait.ForAsync(() => Cli.IsActive(root, "held.service"), s => s == "activating"));
        await AssertManagerServesAsync(root, port);

        await WriteFifoAsync(fifo, "fed at last\n");
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "held.service"), s => s == "active"));
        Assert.Contains("fed at last", Cli.Run(root, "journal", "-u", "held.service", "--no-pager").StdOut, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Oneshot_child_stopped_before_exec_holds_only_its_unit_and_continues()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string fifo = MakeFifo(root, "stop.fifo");
        root.WriteUnit("stopped.service", $"[Service]\nType=oneshot\nExecStart=/bin/cat\nStandardInput=file:{fifo}\nStandardOutput=journal\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);

        Start(root, "stopped.service", noBlock: true);
        string pid = await Wait.ForAsync(() => Cli.ShowOne(root, "stopped.service", "MainPID"), p => p != "0");
        Assert.NotEqual("0", pid);
        Assert.Equal(0, Cli.RunProgram(root, "kill", null, "-STOP", pid).ExitCode);
        Assert.True(await Wait.UntilAsync(() => ProcessState(pid) == 'T'), $"state {ProcessState(pid)}");
        await AssertManagerServesAsync(root, port);
        Assert.Equal("activating", Cli.IsActive(root, "stopped.service"));

        // A writer waits for the stopped child; once continued, the child opens its stdin, execs cat and ends.
        Task writer = WriteFifoAsync(fifo, "after the stop\n");
        Assert.Equal(0, Cli.RunProgram(root, "kill", null, "-CONT", pid).ExitCode);
        await writer;
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "stopped.service"), s => s == "inactive"));
        Assert.Equal("success", Cli.ShowOne(root, "stopped.service", "Result"));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Oneshot_held_before_exec_and_killed_fails_with_the_signal()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string fifo = MakeFifo(root, "kill.fifo");
        root.WriteUnit("killed.service", $"[Service]\nType=oneshot\nExecStart=/bin/cat\nStandardInput=file:{fifo}\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);

        Start(root, "killed.service", noBlock: true);
        string pid = await Wait.ForAsync(() => Cli.ShowOne(root, "killed.service", "MainPID"), p => p != "0");
        Assert.Equal(0, Cli.RunProgram(root, "kill", null, "-KILL", pid).ExitCode);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "killed.service"), s => s == "failed"));
        Assert.Equal("signal", Cli.ShowOne(root, "killed.service", "Result"));
        await AssertManagerServesAsync(root, port);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Type_exec_is_active_only_once_its_execve_happened()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string fifo = MakeFifo(root, "exec.fifo");
        root.WriteUnit("exec-held.service", $"[Service]\nType=exec\nExecStart=/bin/sleep 600\nStandardInput=file:{fifo}\n");
        root.WriteUnit("exec-missing.service", "[Service]\nType=exec\nExecStart=/nonexistent/summon-program\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);

        Start(root, "exec-held.service", noBlock: true);
        Assert.Equal("activating", await Wait.ForAsync(() => Cli.IsActive(root, "exec-held.service"), s => s == "activating"));
        await AssertManagerServesAsync(root, port);
        Assert.Equal("activating", Cli.IsActive(root, "exec-held.service"));
        await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "exec-held.service"), s => s == "active"));
        }

        CommandResult missing = Cli.Run(root, "start", "exec-missing.service");
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Equal(("failed", "exit-code"), (Cli.IsActive(root, "exec-missing.service"), Cli.ShowOne(root, "exec-missing.service", "Result")));
        Assert.Contains("status=203/EXEC", Cli.Run(root, "status", "exec-missing.service", "--no-pager").StdOut, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Theory]
    [InlineData("StandardInput=file:/nonexistent/summon/in", "208/STDIN")]
    [InlineData("StandardOutput=file:/nonexistent/summon/out", "209/STDOUT")]
    [InlineData("StandardError=append:/nonexistent/summon/err", "222/STDERR")]
    public async Task A_stream_file_that_cannot_be_opened_fails_the_start_with_systemds_status(string setting, string status)
    {
        using var root = new TempRoot();
        root.WriteUnit("bad-stream.service", $"[Service]\nType=oneshot\nExecStart=/bin/true\n{setting}\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "bad-stream.service");
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal(("failed", "exit-code"), (Cli.IsActive(root, "bad-stream.service"), Cli.ShowOne(root, "bad-stream.service", "Result")));
        string journal = Cli.Run(root, "journal", "-u", "bad-stream.service", "--no-pager").StdOut;
        Assert.Contains($"Main process exited, code=exited, status={status}", journal, StringComparison.Ordinal);
        Assert.Contains($"Failed at step {status[4..]} spawning /bin/true: No such file or directory", journal, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task More_Accept_yes_children_held_before_exec_than_the_spawn_depth_leave_a_second_socket_serving()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp(), heldPort = FreePort.Tcp();
        string fifo = MakeFifo(root, "err.fifo");
        root.WriteUnit("held.socket", $"[Socket]\nListenStream=127.0.0.1:{heldPort}\nAccept=yes\n");
        root.WriteUnit("held@.service", $"[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardError=file:{fifo}\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);
        Start(root, "held.socket", noBlock: false);

        // The manager stops accepting while four children per CPU are on their way to execve: hold more than that.
        int depth = 4 * Environment.ProcessorCount, held = depth + 2;
        var clients = new List<System.Net.Sockets.Socket>();
        try
        {
            for (int i = 0; i < held; i++)
                clients.Add(Clients.ConnectTcp(System.Net.IPAddress.Loopback, heldPort));
            await Wait.ForAsync(() => Cli.ShowOne(root, "held.socket", "NAccepted"), n => int.TryParse(n, out int a) && a >= depth);
            await AssertManagerServesAsync(root, port);

            // Past the stuck bound the held children stop counting, and the held socket accepts the rest itself.
            Assert.Equal(held.ToString(), await Wait.ForAsync(() => Cli.ShowOne(root, "held.socket", "NAccepted"), n => n == held.ToString()));
            await AssertManagerServesAsync(root, port);

            // No spin while children stay held: the idle manager's CPU time barely moves.
            long before = ProcFs.CpuTicks(daemon.Pid);
            await Task.Delay(TimeSpan.FromSeconds(1));
            long spent = ProcFs.CpuTicks(daemon.Pid) - before;
            Assert.True(spent <= 10, $"an idle manager with held children used {spent} clock ticks in one second");

            // A reader for the FIFO: every held child opens its stderr, execs cat and echoes.
            Task<string> reader = ReadFifoAsync(fifo);
            for (int i = 0; i < held; i++)
                Assert.Equal($"held {i}\n", Clients.SendAndReadToEnd(clients[i], $"held {i}\n"));
            Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, "held.socket", "NConnections"), n => n == "0"));
            Assert.Equal("", await reader);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
        Assert.Equal(0, await daemon.StopAsync());
    }

    [HungMountFact]
    public async Task A_state_directory_on_a_hung_mount_holds_only_its_unit_until_TimeoutStartSec_fails_it()
    {
        using var root = new TempRoot();
        root.SetEnvironment("SUMMON_DIRECTORY_ROOT", Path.Combine(root.Dir, "dirs"));
        int port = FreePort.Tcp();
        root.WriteUnit("nfs.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nStateDirectory=data\nTimeoutStartSec=8s\n");
        using DaemonProcess daemon = await StartWithNeighboursAsync(root, port);
        // Declared after the daemon, so disposed before it: the manager's held mkdir fails with ENOTCONN and it stops.
        using var mount = new HungMount(Path.Combine(root.Dir, "dirs/var/lib"));

        Start(root, "nfs.service", noBlock: true);
        Assert.Equal("activating", await Wait.ForAsync(() => Cli.IsActive(root, "nfs.service"), s => s == "activating"));
        await AssertManagerServesAsync(root, port);

        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "nfs.service"), s => s == "failed", TimeSpan.FromSeconds(60)));
        Assert.Equal(("timeout", "0"), (Cli.ShowOne(root, "nfs.service", "Result"), Cli.ShowOne(root, "nfs.service", "ExecMainPID")));
        Assert.Contains("nfs.service: start operation timed out. Terminating.", daemon.Log, StringComparison.Ordinal);
        await AssertManagerServesAsync(root, port);
        mount.Dispose();
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>The daemon with demo-echo.socket (Accept=yes, /bin/cat) listening and probe.service active.</summary>
    private static async Task<DaemonProcess> StartWithNeighboursAsync(TempRoot root, int port)
    {
        DemoUnits.Write(root, port);
        root.WriteUnit("probe.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n");
        DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);
        Start(root, "probe.service", noBlock: false);
        return daemon;
    }

    /// <summary>The manager answers is-active of another unit within 100 ms (the median of five probes through the
    /// control socket, so one scheduling hiccup on a busy machine is not a failure), the CLI agrees, and the other
    /// Accept=yes socket echoes.</summary>
    private static async Task AssertManagerServesAsync(TempRoot root, int port)
    {
        var client = new ControlClient(root.ControlSocket);
        var samples = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            ControlReply reply = await Task.Run(() => client.Send(new ControlRequest
            {
                Method = ControlMethods.Show, Units = ["probe.service"], Properties = ["ActiveState"],
            })).WaitAsync(Hung);
            samples.Add(watch.Elapsed);
            Assert.Equal("active", reply.Units.Single().Get("ActiveState"));
        }
        samples.Sort();
        Assert.True(samples[2] < Answer, $"is-active took {string.Join(", ", samples.Select(s => s.TotalMilliseconds))} ms");

        CommandResult isActive = Command.Run(SummonBinary.Path, ["is-active", "probe.service"], root.Environment, timeout: Hung);
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());
        CommandResult echo = Command.Run("socat", ["-t", "5", "-", $"TCP:127.0.0.1:{port}"], root.Environment, "still echoing\n", Hung);
        Assert.True(echo is { ExitCode: 0, StdOut: "still echoing\n" }, echo.ToString());
    }

    /// <summary>The state letter of /proc/PID/stat (R, S, T, …).</summary>
    private static char ProcessState(string pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static void Start(TempRoot root, string unit, bool noBlock)
    {
        CommandResult start = noBlock
            ? Command.Run(SummonBinary.Path, ["start", "--no-block", unit], root.Environment, timeout: Hung)
            : Cli.Run(root, "start", unit);
        Assert.True(start.ExitCode == 0, start.ToString());
    }

    private static string MakeFifo(TempRoot root, string name)
    {
        string path = Path.Combine(root.Dir, name);
        CommandResult mkfifo = Cli.RunProgram(root, "mkfifo", null, path);
        Assert.True(mkfifo.ExitCode == 0, mkfifo.ToString());
        return path;
    }

    /// <summary>Opens the FIFO for reading (the held child is its writer) and reads to its end.</summary>
    private static Task<string> ReadFifoAsync(string fifo) => Task.Run(() => File.ReadAllText(fifo)).WaitAsync(Hung);

    /// <summary>Opens the FIFO for writing (the held child is its reader), writes and closes it.</summary>
    private static Task WriteFifoAsync(string fifo, string text) => Task.Run(() => File.WriteAllText(fifo, text)).WaitAsync(Hung);
}
