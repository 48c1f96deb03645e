using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Control groups with the published binary and real processes: a cgroup per service, the cgroup kill that catches a
/// child which left the process group, status's CGroup: tree, TasksMax= and MemoryMax= taking effect, the cgroup
/// removed after stop, and two managers side by side each in a subtree of its own.
/// </summary>
public sealed class ControlGroupTests
{
    private const string Service = "cg.service";

    private static bool Alive(int pid) => ProcFs.IsAlive(pid);

    [CgroupFact]
    public async Task Stop_kills_a_double_forked_child_that_left_the_process_group()
    {
        using var root = new TempRoot();
        string escapee = Path.Combine(root.Dir, "escapee");
        // setsid: the child leads a session of its own, out of the main process's group, as a daemonizing fork does.
        root.WriteUnit(Service, $"[Service]\nExecStart=/bin/sh -c 'setsid sleep 1000 & echo $! > {escapee}; exec sleep 1000'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => File.Exists(escapee) && File.ReadAllText(escapee).EndsWith('\n')), daemon.Log);
        int pid = int.Parse(File.ReadAllText(escapee).Trim());
        int mainPid = int.Parse(Cli.ShowOne(root, Service, "MainPID"));
        // The shell writes the pid at the fork; the child calls setsid after that, in its own time.
        Assert.True(await Wait.UntilAsync(() => ProcFs.Stat(pid)?.Session == pid), $"{pid} never left the main process's session");
        Assert.NotEqual(ProcFs.Stat(mainPid)!.Value.ProcessGroup, ProcFs.Stat(pid)!.Value.ProcessGroup);
        string cgroup = Cli.ShowOne(root, Service, "ControlGroup");
        Assert.Equal($"{root.Cgroups!.DisplayRoot}/system.slice/{Service}", cgroup);
        Assert.Contains("0::" + cgroup, File.ReadAllText($"/proc/{pid}/cgroup"));

        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.True(await Wait.UntilAsync(() => !Alive(pid)), $"the escaped child {pid} survived the stop\n{daemon.Log}");
        // Removed once empty: nothing of the unit is left behind.
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists($"{root.Cgroups.Root}/system.slice/{Service}")), daemon.Log);
        Assert.Equal("", Cli.ShowOne(root, Service, "ControlGroup"));
    }

    [CgroupFact]
    public async Task A_delegated_cgroup_is_removed_with_the_child_cgroups_its_service_made()
    {
        using var root = new TempRoot();
        string dir = $"{root.Cgroups!.Root}/system.slice/{Service}";
        string moved = Path.Combine(root.Dir, "moved");
        // The service makes two levels below its cgroup (Delegate=yes hands it the subtree) and moves itself to the deepest
        // ($$$$: a unit file reads $$ as one dollar).
        root.WriteUnit(Service,
            $"[Service]\nDelegate=yes\nExecStart=/bin/sh -c 'mkdir -p {dir}/sub/deeper {dir}/empty && echo $$$$ > {dir}/sub/deeper/cgroup.procs && touch {moved} && exec sleep 1000'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => File.Exists(moved)), daemon.Log);
        int mainPid = int.Parse(Cli.ShowOne(root, Service, "MainPID"));
        Assert.Contains($"0::{root.Cgroups.DisplayRoot}/system.slice/{Service}/sub/deeper", File.ReadAllText($"/proc/{mainPid}/cgroup"));

        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists(dir)), $"{dir} was left behind\n{daemon.Log}");
    }

    [CgroupFact]
    public async Task An_instance_after_its_slice_was_removed_behind_the_managers_back_gets_the_slice_again()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, DemoUnits.SocketName);
        string slice = $"{root.Cgroups!.Root}/system.slice";

        using (var first = Clients.ConnectTcp(System.Net.IPAddress.Loopback, port))
            Assert.Equal("one\n", Clients.SendAndReadToEnd(first, "one\n"));
        // The manager remembers the slices it made; once the instance's cgroup is gone the empty slice can be removed.
        Assert.True(await Wait.UntilAsync(() => Directory.Exists(slice) && Directory.GetDirectories(slice).Length == 0), daemon.Log);
        Directory.Delete(slice);

        using (var second = Clients.ConnectTcp(System.Net.IPAddress.Loopback, port))
            Assert.Equal("two\n", Clients.SendAndReadToEnd(second, "two\n"));
        Assert.True(Directory.Exists(slice), daemon.Log);
        Assert.DoesNotContain("219/CGROUP", daemon.Log);
    }

    [CgroupFact]
    public async Task Status_shows_the_cgroup_with_its_processes_and_tasks()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, "[Service]\nExecStart=/bin/sh -c 'sleep 1000 & exec sleep 999'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        CommandResult status = null!;
        // Until both have exec'd: the forked child shows the shell's command line ("/bin/sh -c sleep 1000 & …") first.
        static bool BothExeced(string text) => text.Split('\n') is var l
            && l.Any(x => x.EndsWith(" sleep 1000", StringComparison.Ordinal)) && l.Any(x => x.EndsWith(" sleep 999", StringComparison.Ordinal));
        Assert.True(await Wait.UntilAsync(() => BothExeced((status = StatusText.Of(root, Service)).StdOut)), daemon.Log);
        int main = int.Parse(Cli.ShowOne(root, Service, "MainPID"));
        string[] lines = status.StdOut.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith("     CGroup: ", StringComparison.Ordinal));
        Assert.True(at > 0, status.ToString());
        Assert.Equal($"     CGroup: {root.Cgroups!.DisplayRoot}/system.slice/{Service}", lines[at]);
        // Both processes, by pid, drawn as systemctl draws them: ├─ then └─ for the last.
        Assert.Matches(@"^             ├─\d+ ", lines[at + 1]);
        Assert.Matches(@"^             └─\d+ ", lines[at + 2]);
        Assert.Contains(lines[(at + 1)..(at + 3)], l => l.EndsWith($"{main} sleep 999", StringComparison.Ordinal));
        Assert.Contains(lines[(at + 1)..(at + 3)], l => l.EndsWith(" sleep 1000", StringComparison.Ordinal));
        // DefaultTasksMax=15% of the kernel's task maximum, read as systemd does (pid_max and threads-max change per host).
        ulong? Read(string path) => ulong.TryParse(File.ReadAllText(path).Trim(), out ulong v) ? v : null;
        ulong limit = Summon.Manager.ControlGroups.CgroupValues.DefaultTasksMax.Resolve(
            Summon.Manager.ControlGroups.CgroupValues.SystemTasksMax(Read("/proc/sys/kernel/pid_max"), Read("/proc/sys/kernel/threads-max")));
        Assert.Equal($"2 (limit: {limit})", StatusText.Field(status, "Tasks"));
        Assert.Equal("2", Cli.ShowOne(root, Service, "TasksCurrent"));
        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
    }

    [CgroupFact]
    public async Task TasksMax_makes_the_fourth_task_fail_to_fork()
    {
        using var root = new TempRoot();
        string forked = Path.Combine(root.Dir, "forked");
        // The shell and three sleeps would be four tasks: the third sleep's fork is refused.
        root.WriteUnit(Service, $"[Service]\nTasksMax=3\nExecStart=/bin/sh -c 'for i in 1 2 3; do sleep 1000 & echo $i >> {forked}; done; wait'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal("3", Cli.ShowOne(root, Service, "TasksMax"));
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "failed"), daemon.Log);
        Assert.Equal("1\n2\n", File.ReadAllText(forked));
        Assert.Contains(JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut),
            l => l.Identifier == "sh" && l.Message.EndsWith("Cannot fork", StringComparison.Ordinal));
    }

    [CgroupFact]
    public async Task MemoryMax_has_a_hog_killed_by_the_OOM_killer()
    {
        using var root = new TempRoot();
        // tail keeps the whole line it is reading: 256 MiB of zeros without a newline, far over the limit.
        root.WriteUnit(Service, "[Service]\nMemoryMax=16M\nExecStart=/bin/sh -c 'head -c 256M /dev/zero | tail > /dev/null'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal((16 << 20).ToString(), Cli.ShowOne(root, Service, "MemoryMax"));
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(await Wait.UntilAsync(() => Cli.ShowOne(root, Service, "ActiveState") == "failed", TimeSpan.FromSeconds(30)), daemon.Log);
        Assert.Equal("oom-kill", Cli.ShowOne(root, Service, "Result"));
        await AcceptTests.AssertJournalHasAsync(root, Service, $"{Service}: A process of this unit has been killed by the OOM killer.", daemon.Pid);
    }

    [CgroupFact]
    public async Task Two_managers_side_by_side_keep_their_units_apart()
    {
        using var first = new TempRoot();
        using var second = new TempRoot();
        var derivedRoots = new List<string>();
        foreach (var root in (TempRoot[])[first, second])
        {
            // No SUMMON_CGROUP_ROOT: a manager whose runtime directory is redirected gets a subtree named after it.
            ((Dictionary<string, string>)root.Environment).Remove("SUMMON_CGROUP_ROOT");
            root.WriteUnit(Service, "[Service]\nExecStart=/bin/sleep 1000\n");
        }
        using DaemonProcess a = await DaemonProcess.StartAsync(first);
        using DaemonProcess b = await DaemonProcess.StartAsync(second);
        try
        {
            Assert.Equal(0, Cli.Run(first, "start", Service).ExitCode);
            Assert.Equal(0, Cli.Run(second, "start", Service).ExitCode);
            string cgroupA = Cli.ShowOne(first, Service, "ControlGroup"), cgroupB = Cli.ShowOne(second, Service, "ControlGroup");
            Assert.NotEqual(cgroupA, cgroupB);
            Assert.EndsWith($"/system.slice/{Service}", cgroupA);
            derivedRoots.AddRange([cgroupA, cgroupB]);
            int pidB = int.Parse(Cli.ShowOne(second, Service, "MainPID"));

            Assert.Equal(0, Cli.Run(first, "stop", Service).ExitCode);
            Assert.True(Alive(pidB), "stopping the first manager's unit killed the second's");
            Assert.Equal("active", Cli.ShowOne(second, Service, "ActiveState"));

            // A manager that stops removes the subtree it made.
            Assert.Equal(0, await a.StopAsync());
            Assert.Equal(0, await b.StopAsync());
            var probe = CgroupScratch.Create("x")!;
            string mount = probe.Root[..^probe.DisplayRoot.Length];
            foreach (string cgroup in derivedRoots)
            {
                string subtree = mount + cgroup[..cgroup.IndexOf("/system.slice/", StringComparison.Ordinal)];
                Assert.False(Directory.Exists(subtree), $"{subtree} was left behind");
            }
        }
        finally
        {
            foreach (string cgroup in derivedRoots)
            {
                string name = cgroup.Split('/', StringSplitOptions.RemoveEmptyEntries)[^3];
                CgroupScratch.Create(name)?.Remove();
            }
        }
    }
}
