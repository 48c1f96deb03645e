using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Services whose end the cgroup decides, with the published binary and real processes: a forking service with
/// GuessMainPID=no (postfix@.service's shape) runs while its cgroup has processes, GuessMainPID=yes takes the one
/// daemon left as main, and ExitType=cgroup outlives its main process until the last process of the cgroup is gone.
/// </summary>
public sealed class CgroupEndTests
{
    private const string Service = "cgend.service";

    [CgroupFact]
    public async Task Forking_with_GuessMainPID_no_runs_until_its_cgroup_empties()
    {
        using var root = new TempRoot();
        string flag = Path.Combine(root.Dir, "flag");
        File.WriteAllText(flag, "");
        // Two daemons, as postfix's master leaves several: no main pid, the cgroup says the service runs.
        string loop = $"while [ -e {flag} ]; do sleep 0.1; done";
        root.WriteUnit(Service, $"[Service]\nType=forking\nGuessMainPID=no\nExecStartPre=/bin/true\n"
            + $"ExecStart=/bin/sh -c 'setsid sh -c \"{loop}\" & setsid sh -c \"{loop}\" & exit 0'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        Assert.Equal("active", Cli.ShowOne(root, Service, "ActiveState"));
        Assert.Equal("running", Cli.ShowOne(root, Service, "SubState"));
        Assert.Equal("0", Cli.ShowOne(root, Service, "MainPID"));
        Assert.Equal("no", Cli.ShowOne(root, Service, "GuessMainPID"));
        await Task.Delay(500);
        Assert.Equal("active", Cli.ShowOne(root, Service, "ActiveState"));

        File.Delete(flag);   // both daemons end: the cgroup empties and the service is dead, successfully
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "inactive"), daemon.Log);
        Assert.Equal("success", Cli.ShowOne(root, Service, "Result"));
        Assert.Equal("dead", Cli.ShowOne(root, Service, "SubState"));
    }

    [CgroupFact]
    public async Task Forking_with_GuessMainPID_no_is_stopped_through_its_cgroup()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, "[Service]\nType=forking\nGuessMainPID=no\nExecStart=/bin/sh -c 'setsid sleep 1000 & exit 0'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.Equal("active", Cli.ShowOne(root, Service, "ActiveState"));
        string dir = $"{root.Cgroups!.Root}/system.slice/{Service}";
        int daemonPid = int.Parse(File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Single());

        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop.ExitCode == 0, stop + daemon.Log);
        Assert.True(await Wait.UntilAsync(() => !ProcFs.IsAlive(daemonPid)), daemon.Log);
        Assert.Equal("inactive", Cli.ShowOne(root, Service, "ActiveState"));
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists(dir)), daemon.Log);
    }

    [CgroupFact]
    public async Task Forking_guesses_the_one_daemon_left_as_main()
    {
        using var root = new TempRoot();
        string pidFile = Path.Combine(root.Dir, "daemon.pid");
        root.WriteUnit(Service, $"[Service]\nType=forking\nExecStart=/bin/sh -c 'setsid sleep 1000 & echo $! > {pidFile}; exit 0'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.Equal(File.ReadAllText(pidFile).Trim(), Cli.ShowOne(root, Service, "MainPID"));
        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
    }

    [CgroupFact]
    public async Task ExitType_cgroup_outlives_the_main_process_until_the_cgroup_is_empty()
    {
        using var root = new TempRoot();
        string flag = Path.Combine(root.Dir, "flag");
        File.WriteAllText(flag, "");
        root.WriteUnit(Service, $"[Service]\nExitType=cgroup\nExecStart=/bin/sh -c 'setsid sh -c \"while [ -e {flag} ]; do sleep 0.1; done\" & exit 0'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "MainPID") == "0"), daemon.Log);
        await Task.Delay(300);
        Assert.Equal("active", Cli.ShowOne(root, Service, "ActiveState"));
        Assert.Equal("cgroup", Cli.ShowOne(root, Service, "ExitType"));

        File.Delete(flag);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "inactive"), daemon.Log);
        Assert.Equal("success", Cli.ShowOne(root, Service, "Result"));
    }

    [CgroupFact]
    public async Task ExitType_main_ends_with_the_main_process_and_kills_the_rest()
    {
        using var root = new TempRoot();
        string pidFile = Path.Combine(root.Dir, "child.pid");
        root.WriteUnit(Service, $"[Service]\nExecStart=/bin/sh -c 'setsid sleep 1000 & echo $! > {pidFile}; exit 0'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "inactive"), daemon.Log);
        Assert.True(await Wait.UntilAsync(() => File.Exists(pidFile) && !ProcFs.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim()))), daemon.Log);
    }

    // tail keeps the whole line it reads: 256 MiB of zeros without a newline, far over MemoryMax=16M. The hog is a child:
    // the main process lives on, so only OOMPolicy= decides what happens to the unit.
    private const string Hog = "head -c 256M /dev/zero | tail > /dev/null";

    [CgroupFact]
    public async Task OOMPolicy_stop_stops_the_unit_when_a_child_is_killed()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, $"[Service]\nMemoryMax=16M\nExecStart=/bin/sh -c '{Hog}; exec sleep 1000'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal("stop", Cli.ShowOne(root, Service, "OOMPolicy"));
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "failed", TimeSpan.FromSeconds(30)), daemon.Log);
        Assert.Equal("oom-kill", Cli.ShowOne(root, Service, "Result"));
        Assert.Contains("Result: oom-kill", StatusText.Of(root, Service).StdOut);
        await AcceptTests.AssertJournalHasAsync(root, Service, $"{Service}: A process of this unit has been killed by the OOM killer.", daemon.Pid);
    }

    [CgroupFact]
    public async Task OOMPolicy_continue_logs_and_keeps_running()
    {
        using var root = new TempRoot();
        string done = Path.Combine(root.Dir, "done");
        root.WriteUnit(Service, $"[Service]\nMemoryMax=16M\nOOMPolicy=continue\nExecStart=/bin/sh -c '{Hog}; touch {done}; exec sleep 1000'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => File.Exists(done), TimeSpan.FromSeconds(30)), daemon.Log);
        await AcceptTests.AssertJournalHasAsync(root, Service, $"{Service}: A process of this unit has been killed by the OOM killer.", daemon.Pid);
        Assert.Equal("active", Cli.ShowOne(root, Service, "ActiveState"));
        Assert.Equal("success", Cli.ShowOne(root, Service, "Result"));
        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
    }

    [CgroupFact]
    public async Task OOMPolicy_kill_kills_the_whole_cgroup()
    {
        using var root = new TempRoot();
        string pidFile = Path.Combine(root.Dir, "sleeper.pid");
        root.WriteUnit(Service, $"[Service]\nMemoryMax=16M\nOOMPolicy=kill\nExecStart=/bin/sh -c 'sleep 1000 & echo $! > {pidFile}; {Hog}; wait'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "failed", TimeSpan.FromSeconds(30)), daemon.Log);
        Assert.Equal("oom-kill", Cli.ShowOne(root, Service, "Result"));
        int sleeper = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.True(await Wait.UntilAsync(() => !ProcFs.IsAlive(sleeper)), daemon.Log);
    }
}
