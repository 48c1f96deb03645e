using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// `summon daemon-reexec` and SIGUSR2 (docs/reexec.md): the manager execve's itself in place — same PID, the same
/// control socket (the same inode: `stat -L /proc/PID/fd/N`), its journal continuing — and the CLI returns once the
/// new image answers. A binary that cannot read the state, or is missing, leaves the old image serving, saying why;
/// a state that cannot be read after execve leaves a degraded manager that still serves.
/// </summary>
public sealed class ReexecTests
{
    private const int SIGUSR2 = 12;
    private static readonly TimeSpan ReexecTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The inode of the listening Unix socket bound to <paramref name="path"/> (/proc/net/unix), or 0.</summary>
    private static ulong ListenerInode(string path)
    {
        foreach (string line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // Num RefCount Protocol Flags Type St Inode Path; flags 00010000 is a listening socket.
            if (f.Length >= 8 && f[7] == path && f[3] == "00010000")
                return ulong.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>The fds of <paramref name="pid"/> that are the socket with <paramref name="inode"/>, as `stat -L /proc/PID/fd/N` sees them.</summary>
    private static List<int> FdsOfInode(TempRoot root, int pid, ulong inode) =>
        ProcFs.Fds(pid).Keys.Where(fd =>
        {
            CommandResult stat = Cli.RunProgram(root, "stat", null, "-L", "-c", "%i", $"/proc/{pid}/fd/{fd}");
            return stat.ExitCode == 0 && stat.StdOut.Trim() == inode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }).ToList();

    private static List<string> Journal(TempRoot root) =>
        JournalLine.ParseAll(Cli.Run(root, "journal", "--no-pager").StdOut).Select(j => j.Message).ToList();

    private static void WriteEcho(TempRoot root, string unit, string text) =>
        root.WriteUnit(unit, $"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo {text}\n");

    [Fact]
    public async Task Daemon_reexec_keeps_the_pid_the_control_socket_and_the_journal()
    {
        using var root = new TempRoot();
        WriteEcho(root, "before.service", "line-before-reexec");
        WriteEcho(root, "after.service", "line-after-reexec");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "before.service").ExitCode);
        ulong inode = ListenerInode(root.ControlSocket);
        Assert.NotEqual(0UL, inode);
        Assert.Single(FdsOfInode(root, daemon.Pid, inode));

        CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec"], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 0, reexec + "\n[log]\n" + daemon.Log);

        // The CLI returned once the new image answered: the same process, the same listening socket, serving.
        Assert.False(daemon.HasExited, daemon.Log);
        Assert.Equal(inode, ListenerInode(root.ControlSocket));
        Assert.Single(FdsOfInode(root, daemon.Pid, inode));
        Assert.Equal(0, Cli.Run(root, "list-units").ExitCode);
        Assert.Equal(0, Cli.Run(root, "start", "after.service").ExitCode);

        List<string> journal = await Wait.ForAsync(() => Journal(root), j => j.Contains("line-after-reexec"));
        int before = journal.IndexOf("line-before-reexec");
        int reexecuting = journal.FindIndex(l => l.StartsWith("Reexecuting", StringComparison.Ordinal));
        int reexecuted = journal.FindIndex(l => l.StartsWith($"Reexecuted in place as PID {daemon.Pid} ", StringComparison.Ordinal));
        int after = journal.IndexOf("line-after-reexec");
        Assert.True(before >= 0 && before < reexecuting && reexecuting < reexecuted && reexecuted < after, string.Join('\n', journal));
        Assert.Contains("generation 1)", journal[reexecuted]);

        // A second re-exec goes the same way and counts on.
        reexec = Command.Run(SummonBinary.Path, ["daemon-reexec", "--binary", SummonBinary.Path], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 0, reexec + "\n[log]\n" + daemon.Log);
        Assert.Contains(await Wait.ForAsync(() => Journal(root), j => j.Any(l => l.Contains("generation 2)"))), l => l.Contains($"binary {SummonBinary.Path},"));
        Assert.Equal(inode, ListenerInode(root.ControlSocket));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Control_clients_beside_a_reexec_are_answered()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        using var stop = new CancellationTokenSource();
        var failures = new List<CommandResult>();
        int answered = 0;
        // Clients held at the execve are answered first; newcomers wait in the carried backlog for the new image.
        Task clients = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                CommandResult list = Cli.Run(root, "list-sockets");
                if (list.ExitCode == 0)
                    answered++;
                else
                    failures.Add(list);
            }
        });
        for (int i = 0; i < 3; i++)
        {
            CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec"], root.Environment, timeout: ReexecTimeout);
            Assert.True(reexec.ExitCode == 0, reexec + "\n[log]\n" + daemon.Log);
        }
        await stop.CancelAsync();
        await clients;
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(answered > 0);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Sigusr2_reexecutes_the_same_way()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        ulong inode = ListenerInode(root.ControlSocket);

        Assert.True(Signals.Send(daemon.Pid, SIGUSR2));
        List<string> journal = await Wait.ForAsync(() => Journal(root), j => j.Any(l => l.StartsWith("Reexecuted in place", StringComparison.Ordinal)), ReexecTimeout);
        Assert.True(journal.Any(l => l.StartsWith($"Reexecuted in place as PID {daemon.Pid} (binary {SummonBinary.Path},", StringComparison.Ordinal)), string.Join('\n', journal));
        Assert.False(daemon.HasExited, daemon.Log);
        Assert.Equal(inode, ListenerInode(root.ControlSocket));
        Assert.Equal(0, Cli.Run(root, "list-sockets").ExitCode);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Theory]
    [InlineData("/bin/false", "Failed to re-execute the manager: /bin/false cannot read the state: its check ended with code=exited, status=1/FAILURE and said nothing; it keeps running as it is.")]
    [InlineData("/nonexistent/summon", "Failed to re-execute the manager: /nonexistent/summon cannot be run: No such file or directory; it keeps running as it is.")]
    [InlineData("SCRIPT", "Failed to re-execute the manager: SCRIPT cannot read the state: state format version 99 is unknown to this build; it keeps running as it is.")]
    public async Task A_binary_that_cannot_take_over_leaves_the_manager_serving_and_says_why(string binary, string expected)
    {
        using var root = new TempRoot();
        // A binary of another format: it refuses the state in one line, as --check-deserialize says to.
        string script = root.WriteFile("bin/old-summon",
            "#!/bin/sh\nif [ \"$2\" = --check-deserialize ]; then echo 'state format version 99 is unknown to this build' >&2; exit 1; fi\nexit 0\n", executable: true);
        binary = binary.Replace("SCRIPT", script, StringComparison.Ordinal);
        expected = expected.Replace("SCRIPT", script, StringComparison.Ordinal);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        ulong inode = ListenerInode(root.ControlSocket);

        CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec", "--binary", binary], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 1, reexec.ToString());
        Assert.Equal([expected], reexec.StdErrLines);

        Assert.False(daemon.HasExited, daemon.Log);
        Assert.Equal(inode, ListenerInode(root.ControlSocket));
        Assert.Equal(0, Cli.Run(root, "list-sockets").ExitCode);
        Assert.Contains(Journal(root), l => l.StartsWith("Not reexecuting: ", StringComparison.Ordinal) && l.Contains(binary, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(root.RuntimeDir, "reexec-state.json")));
        Assert.Empty(daemon.ZombieChildren());
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task A_relative_binary_is_refused_by_the_cli()
    {
        using var root = new TempRoot();
        CommandResult reexec = Cli.Run(root, "daemon-reexec", "--binary", "bin/summon");
        Assert.Equal(1, reexec.ExitCode);
        Assert.Equal(["Invalid --binary= value 'bin/summon': give the binary's absolute path."], reexec.StdErrLines);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_check_reads_a_state_file_in_one_line()
    {
        using var root = new TempRoot();
        string truncated = root.WriteFile("state.json", "{\"version\":1,\"manager\":{\"pid\":");
        CommandResult check = Cli.Run(root, "daemon", "--check-deserialize", truncated);
        Assert.Equal(1, check.ExitCode);
        Assert.Single(check.StdErrLines);
        Assert.StartsWith($"{truncated}: the state is not JSON (", check.StdErr, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_state_unreadable_after_execve_leaves_a_degraded_manager_that_serves()
    {
        using var root = new TempRoot();
        root.SetEnvironment("SUMMON_REEXEC_TEST_TRUNCATE", "1");
        WriteEcho(root, "after.service", "line-after-degraded");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        ulong inode = ListenerInode(root.ControlSocket);

        CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec"], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 1, reexec.ToString());
        Assert.Single(reexec.StdErrLines);
        Assert.StartsWith("The manager re-executed, but degraded: the state is not JSON (", reexec.StdErr, StringComparison.Ordinal);

        // Degraded, never dead: the same process on the same socket, from the unit files.
        Assert.False(daemon.HasExited, daemon.Log);
        Assert.Equal(inode, ListenerInode(root.ControlSocket));
        Assert.Equal(0, Cli.Run(root, "start", "after.service").ExitCode);
        List<string> journal = await Wait.ForAsync(() => Journal(root), j => j.Contains("line-after-degraded"));
        Assert.Contains(journal, l => l.StartsWith($"Reexecuted in place as PID {daemon.Pid}, degraded: the state is not JSON", StringComparison.Ordinal));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [RootFact]
    public async Task As_pid1_the_reexec_keeps_pid_1_reaps_orphans_and_stops_on_sigterm()
    {
        using var root = new TempRoot();
        string script = root.WriteFile("bin/double-fork.sh",
            "#!/bin/sh\nfor i in 1 2 3; do ( sleep 0.2 & ) ; done\nexit 0\n", executable: true);
        root.WriteUnit("orphans.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh {script}\n");
        using DaemonProcess unshare = await DaemonProcess.StartAsync(
            root, "unshare", ["--pid", "--fork", "--mount-proc", SummonBinary.Path, "daemon"], waitReady: true);
        ProcStat pid1 = Assert.Single(ProcFs.Children(unshare.Pid), c => c.Comm == "summon");

        CommandResult reexec = Command.Run(SummonBinary.Path, ["daemon-reexec"], root.Environment, timeout: ReexecTimeout);
        Assert.True(reexec.ExitCode == 0, reexec + "\n[log]\n" + unshare.Log);

        // Still the namespace's PID 1, still a subreaper of its orphans.
        Assert.Equal(pid1.Pid, Assert.Single(ProcFs.Children(unshare.Pid), c => c.Comm == "summon").Pid);
        Assert.EndsWith("\t1", File.ReadLines($"/proc/{pid1.Pid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal)));
        Assert.Contains(Journal(root), l => l.StartsWith("Reexecuted in place as PID 1 ", StringComparison.Ordinal));
        Assert.Equal(0, Cli.Run(root, "start", "orphans.service").ExitCode);
        Assert.Empty(await Wait.ForAsync(() => ProcFs.Children(pid1.Pid).Where(c => c.Comm == "sleep").ToList(), l => l.Count == 0));
        Assert.Empty(await Wait.ForAsync(() => ProcFs.ZombieChildren(pid1.Pid), z => z.Count == 0));

        Assert.True(Signals.Send(pid1.Pid, Signals.SIGTERM));
        Assert.True(await Wait.UntilAsync(() => unshare.HasExited, DaemonProcess.StopTimeout), "PID 1 still running after SIGTERM\n[log]\n" + unshare.Log);
        Assert.Equal(0, unshare.ExitCode);
    }
}
