using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// <c>summon daemon</c> as PID 1 of a PID namespace (<c>unshare --pid --fork --mount-proc</c>, as root): orphans are
/// reaped without losing the exit status of the manager's own children, and SIGTERM stops everything, exit 0.
/// unshare stays outside as the parent and ignores SIGTERM itself, so signals go to the namespace's PID 1 by its
/// outer pid; unshare exits with PID 1's status.
/// </summary>
public sealed class Pid1Tests
{
    private static async Task<(DaemonProcess Unshare, int Pid1)> StartAsPid1Async(TempRoot root)
    {
        DaemonProcess unshare = await DaemonProcess.StartAsync(
            root, "unshare", ["--pid", "--fork", "--mount-proc", SummonBinary.Path, "daemon"], waitReady: true);
        try
        {
            ProcStat pid1 = Assert.Single(ProcFs.Children(unshare.Pid), c => c.Comm == "summon");
            // Inside the namespace it is pid 1.
            string nspid = File.ReadLines($"/proc/{pid1.Pid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            Assert.EndsWith("\t1", nspid);
            return (unshare, pid1.Pid);
        }
        catch
        {
            unshare.Dispose();
            throw;
        }
    }

    [RootFact]
    public async Task Double_forking_services_leave_no_zombie_and_keep_their_own_exit_status()
    {
        using var root = new TempRoot();
        string script = root.WriteFile("bin/double-fork.sh",
            "#!/bin/sh\n# Leaves grandchildren behind: they are re-parented to PID 1 when this shell exits.\n"
            + "for i in 1 2 3 4 5; do ( sleep 0.2 & ) ; done\nexit \"$1\"\n", executable: true);
        root.WriteUnit("fails.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh {script} 3\n");
        root.WriteUnit("works.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh {script} 0\nRemainAfterExit=yes\n");
        (DaemonProcess unshare, int pid1) = await StartAsPid1Async(root);
        using (unshare)
        {
            CommandResult fails = Cli.Run(root, "start", "fails.service");
            Assert.True(fails.ExitCode != 0, fails.ToString());
            CommandResult works = Cli.Run(root, "start", "works.service");
            Assert.True(works.ExitCode == 0, works.ToString() + "\n[log]\n" + unshare.Log);

            // The manager kept each child's status although it also reaps every orphan that comes its way.
            Assert.Equal(
                new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "exit-code", ["ExecMainStatus"] = "3" },
                Cli.Show(root, "fails.service", "ActiveState", "Result", "ExecMainStatus"));
            Assert.Equal(
                new Dictionary<string, string> { ["ActiveState"] = "active", ["Result"] = "success", ["ExecMainStatus"] = "0" },
                Cli.Show(root, "works.service", "ActiveState", "Result", "ExecMainStatus"));
            Assert.Equal("active (exited)", StatusText.Active(StatusText.Of(root, "works.service")));

            // The orphaned sleeps were PID 1's children; once they are gone none of them is left a zombie.
            List<ProcStat> left = await Wait.ForAsync(
                () => ProcFs.Children(pid1).Where(c => c.Comm == "sleep").ToList(), l => l.Count == 0);
            Assert.Empty(left);
            Assert.Empty(await Wait.ForAsync(() => ProcFs.ZombieChildren(pid1), z => z.Count == 0));
        }
    }

    [RootFact]
    public async Task Sigterm_to_pid1_stops_every_unit_and_exits_0()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string signals = Path.Combine(root.Dir, "signals");
        string report = Path.Combine(root.Dir, "report");
        root.WriteUnit("demo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit("demo.service", $"[Service]\nExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}\n");
        root.WriteUnit("idle.service", $"[Service]\nExecStart=/bin/sleep infinity\n");
        (DaemonProcess unshare, int pid1) = await StartAsPid1Async(root);
        using (unshare)
        {
            Assert.Equal(0, Cli.Run(root, "start", "demo.socket").ExitCode);
            Assert.Equal(0, Cli.Run(root, "start", "idle.service").ExitCode);
            Assert.Equal("active", Cli.IsActive(root, "idle.service"));
            ListenReport served = ListenReport.FromTcp(port);
            Assert.True(served.Check == "ok", served.Text);
            // Pids the manager and the services report are the namespace's; the outer ones come from /proc here.
            // idle.service is Type=simple: its start returns at the fork, before the child has exec'd sleep.
            List<ProcStat> services = await Wait.ForAsync(
                () => unshare.Descendants().Where(p => p.Comm is "listen-check" or "sleep").ToList(), l => l.Count == 2);
            Assert.Equal(["listen-check", "sleep"], services.Select(p => p.Comm).Order());

            Assert.True(Signals.Send(pid1, Signals.SIGTERM));
            bool exited = await Wait.UntilAsync(() => unshare.HasExited, DaemonProcess.StopTimeout);
            Assert.True(exited, "PID 1 still running after SIGTERM\n[log]\n" + unshare.Log);
            Assert.Equal(0, unshare.ExitCode);   // unshare passes PID 1's exit code on

            Assert.Equal("SIGTERM\n", File.ReadAllText(signals));
            Assert.DoesNotContain(services, p => ProcFs.Stat(p.Pid) is { State: not 'Z' } now && now.Comm == p.Comm);
            List<string> journal = JournalLine.ParseAll(Cli.Run(root, "journal", "--no-pager").StdOut).Select(j => j.Message).ToList();
            Assert.Contains("Stopped demo.service.", journal);
            Assert.Contains("Stopped idle.service.", journal);
        }
    }

    [Fact]
    public async Task Inherited_ignored_SIGCHLD_is_reset_so_exit_statuses_are_not_lost()
    {
        using var root = new TempRoot();
        root.WriteUnit("exit7.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'exit 7'\n");
        // env --ignore-signal=CHLD execs the daemon with SIGCHLD set to SIG_IGN, as some container runtimes leave it;
        // unreset, the kernel would reap every child by itself and the manager would never learn a status.
        using DaemonProcess daemon = await DaemonProcess.StartAsync(
            root, "env", ["--ignore-signal=CHLD", SummonBinary.Path, "daemon"], waitReady: true);
        string sigIgn = File.ReadLines($"/proc/{daemon.Pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.Equal(0, Convert.ToInt64(sigIgn["SigIgn:".Length..].Trim(), 16) & (1L << (17 - 1)));

        CommandResult start = Cli.Run(root, "start", "exit7.service");
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["Result"] = "exit-code", ["ExecMainStatus"] = "7" },
            Cli.Show(root, "exit7.service", "Result", "ExecMainStatus"));
    }

    [RootFact]
    public async Task Without_proc_mounted_path_sockets_get_their_SocketMode_and_serve()
    {
        // A bare container's PID 1 may run before anyone mounts /proc; glibc needs /proc/self/fd to change a node's
        // mode without following a symlink, so the manager must still give every socket node its mode.
        using var root = new TempRoot();
        string path = Path.Combine(root.RuntimeDir, "echo.sock");
        root.WriteUnit("demo-echo.socket", DemoUnits.Socket(path, "SocketMode=0666"));
        root.WriteUnit(DemoUnits.TemplateName, DemoUnits.Service);
        Directory.CreateDirectory(Path.Combine(root.UnitDir, "sockets.target.wants"));
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "sockets.target.wants", "demo-echo.socket"), Path.Combine(root.UnitDir, "demo-echo.socket"));
        using DaemonProcess unshare = await DaemonProcess.StartAsync(
            root, "unshare", ["--mount", "--fork", "sh", "-c", $"umount -l /proc && exec {SummonBinary.Path} daemon"], waitReady: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(root.ControlSocket) & (UnixFileMode)0x1FF);
        await Wait.ForAsync(() => File.Exists(path), exists => exists);
        Assert.Equal((UnixFileMode)0x1B6, File.GetUnixFileMode(path) & (UnixFileMode)0x1FF);   // 0666, wider than the umask
        CommandResult socat = Cli.RunProgram(root, "socat", "no proc\n", "-t", "5", "-", $"UNIX-CONNECT:{path}");
        Assert.True(socat is { ExitCode: 0, StdOut: "no proc\n" }, socat.ToString() + "\n[log]\n" + unshare.Log);
    }
}
