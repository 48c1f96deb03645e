using System.Globalization;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// DynamicUser= and RemoveIPC= (issue 14) run by the published binary as root: the service gets a uid of systemd's
/// dynamic range, locked in /run/systemd/dynamic-uid while it runs and given back when it stops, with the sandbox the
/// key implies; its StateDirectory= lives under BASE/private with a symlink at BASE/NAME and survives restarts; the
/// System V IPC objects of the user go when its unit stops. Directory bases are redirected out of /tmp (the service's
/// /tmp is private) with SUMMON_DIRECTORY_ROOT.
/// </summary>
public sealed class DynamicUserTests
{
    private const string LockDirectory = "/run/systemd/dynamic-uid";

    /// <summary>What the service can do, one "name=value" line each (test -w answers EROFS without writing).</summary>
    private const string Probe =
        "echo uid=$$(id -u); echo gid=$$(id -g); echo user=$$USER; echo groups=$$(id -G); "
        + "for p in /usr /etc /var /root; do test -w $$p && echo $$p=w || echo $$p=ro; done; "
        + "echo nnp=$$(grep NoNewPrivs: /proc/self/status | tr -dc 0-9); "
        + "touch /tmp/s && chmod u+s /tmp/s 2>/dev/null && echo suid=ok || echo suid=refused";

    private static Dictionary<string, string> Parse(string path)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(path))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                answers[line[..eq]] = line[(eq + 1)..];
        }

        return answers;
    }

    private static string WriteService(TempRoot root, string name, string settings, string script)
    {
        string output = Path.Combine(root.Dir, name + ".out");
        root.WriteUnit(name + ".service", $"""
            [Service]
            Type=oneshot
            StandardOutput=file:{output}
            StandardError=journal
            ExecStart=/bin/sh -c '{script}'
            {settings}
            """);
        return output;
    }

    private static uint Uid(Dictionary<string, string> answers) => uint.Parse(answers["uid"], CultureInfo.InvariantCulture);

    [Fact]
    public async Task DynamicUser_runs_as_a_locked_uid_of_the_dynamic_range_with_the_implied_sandbox_and_gives_it_back_at_stop()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string output = WriteService(root, "dyn-probe", "DynamicUser=yes\nRemainAfterExit=yes", Probe);
        CommandResult start = Cli.Run(root, "start", "dyn-probe.service");
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        var a = Parse(output);
        uint uid = Uid(a);
        // systemd.exec(5) DynamicUser=: "Dynamic users/groups are allocated from the UID/GID range 61184...65519", the
        // group of the same number, named after the unit without User=.
        Assert.InRange(uid, 61184u, 65519u);
        Assert.Equal((a["uid"], "dyn-probe"), (a["gid"], a["user"]));
        Assert.Equal(a["uid"], a["groups"]);   // none of the manager's supplementary groups
        // "ProtectSystem=strict and ProtectHome=read-only are implied", "NoNewPrivileges= and RestrictSUIDSGID= are
        // implicitly enabled", and PrivateTmp=.
        Assert.Equal(("ro", "ro", "ro", "ro"), (a["/usr"], a["/etc"], a["/var"], a["/root"]));
        Assert.Equal(("1", "refused"), (a["nnp"], a["suid"]));
        // The uid is locked the way systemd locks it, the user's name inside, while the unit is active.
        string lockFile = Path.Combine(LockDirectory, a["uid"]);
        Assert.Equal("dyn-probe\n", Command.Run("cat", [lockFile]).StdOut);   // .NET readers would take a flock
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lockFile));
        Assert.Equal(0, Cli.Run(root, "stop", "dyn-probe.service").ExitCode);
        // "released as soon as it is stopped": the lock file goes with it.
        Assert.True(await Wait.UntilAsync(() => !File.Exists(lockFile)), daemon.Log);
    }

    [Fact]
    public async Task Two_running_DynamicUser_units_get_different_uids_and_a_static_User_is_used_as_it_is()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string first = WriteService(root, "dyn-one", "DynamicUser=yes\nRemainAfterExit=yes", Probe);
        string second = WriteService(root, "dyn-two", "DynamicUser=yes\nRemainAfterExit=yes", Probe);
        // "If a statically allocated user or group of the configured name already exists, it is used".
        string nobody = WriteService(root, "dyn-nobody", "DynamicUser=yes\nUser=nobody", Probe);
        foreach (string unit in (string[])["dyn-one.service", "dyn-two.service", "dyn-nobody.service"])
        {
            CommandResult start = Cli.Run(root, "start", unit);
            Assert.True(start.ExitCode == 0, start + daemon.Log);
        }

        uint one = Uid(Parse(first)), two = Uid(Parse(second));
        Assert.NotEqual(one, two);
        Assert.InRange(two, 61184u, 65519u);
        Assert.Equal(("65534", "ro"), (Parse(nobody)["uid"], Parse(nobody)["/usr"]));
        Assert.Equal(0, Cli.Run(root, "stop", "dyn-one.service", "dyn-two.service").ExitCode);
        Assert.True(await Wait.UntilAsync(() => !File.Exists($"{LockDirectory}/{one}") && !File.Exists($"{LockDirectory}/{two}")), daemon.Log);
    }

    [Fact]
    public async Task StateDirectory_lives_under_private_with_a_symlink_and_keeps_its_files_across_restarts()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        // Out of /tmp: the service's own /tmp is private.
        string bases = "/var/lib/summon-it-" + Path.GetFileName(root.Dir);
        root.SetEnvironment("SUMMON_DIRECTORY_ROOT", bases);
        try
        {
            using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
            string script = "echo uid=$$(id -u); id -u >> $${STATE_DIRECTORY}/runs; echo runs=$$(wc -l < $${STATE_DIRECTORY}/runs); "
                + "echo state=$$STATE_DIRECTORY; test -w $${STATE_DIRECTORY} && echo w=yes || echo w=no; "
                + "echo private=$$(ls -A $$(dirname $$STATE_DIRECTORY)/private | xargs)";
            string output = WriteService(root, "dyn-state", "DynamicUser=yes\nStateDirectory=dyn-state", script);
            var runs = new List<Dictionary<string, string>>();
            for (int i = 0; i < 2; i++)
            {
                CommandResult start = Cli.Run(root, "start", "dyn-state.service");
                Assert.True(start.ExitCode == 0, start + daemon.Log);
                runs.Add(Parse(output));
            }

            // systemd.exec(5): "the directories are created below /var/cache/private, /var/log/private and
            // /var/lib/private ... Symbolic links are created to hide this difference", the same path from the
            // service and from the host.
            string lib = bases + "/var/lib";
            Assert.Equal(("1", "2", "yes"), (runs[0]["runs"], runs[1]["runs"], runs[1]["w"]));
            Assert.Equal(lib + "/dyn-state", runs[1]["state"]);
            Assert.Equal("dyn-state", runs[1]["private"]);   // the service sees its own directory there, nothing else
            Assert.Equal("private/dyn-state", new FileInfo(lib + "/dyn-state").LinkTarget);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(lib + "/private"));
            var owner = Command.Run("stat", ["-c", "%u:%g", lib + "/private/dyn-state", lib + "/private"]);
            Assert.Equal($"{runs[1]["uid"]}:{runs[1]["uid"]}\n0:0\n", owner.StdOut);
            Assert.Equal([runs[0]["uid"], runs[1]["uid"]], File.ReadAllLines(lib + "/private/dyn-state/runs"));
        }
        finally
        {
            Directory.Delete(bases, recursive: true);
        }
    }

    [Fact]
    public async Task RemoveIPC_removes_the_users_System_V_shared_memory_at_stop_and_without_it_the_segment_stays()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) RemoveIPC=: "all System V and POSIX IPC objects owned by the user and group the processes of
        // this unit are run as are removed when the unit is stopped"; implied by DynamicUser=.
        const string script = "echo uid=$$(id -u); echo shm=$$(ipcmk -M 4096 | tr -dc 0-9)";
        string dynamicOut = WriteService(root, "ipc-dyn", "DynamicUser=yes\nRemainAfterExit=yes", script);
        string keptOut = WriteService(root, "ipc-kept", "User=nobody\nRemainAfterExit=yes", script);
        string removedOut = WriteService(root, "ipc-removed", "User=nobody\nRemoveIPC=yes\nRemainAfterExit=yes", script);
        var segments = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (unit, output) in (ReadOnlySpan<(string, string)>)[("ipc-dyn", dynamicOut), ("ipc-kept", keptOut)])
            {
                CommandResult start = Cli.Run(root, "start", unit + ".service");
                Assert.True(start.ExitCode == 0, start + daemon.Log);
                segments[unit] = Parse(output)["shm"];
                Assert.True(SegmentExists(segments[unit]), $"{unit}: no segment {segments[unit]}\n{daemon.Log}");
            }

            Assert.Equal(0, Cli.Run(root, "stop", "ipc-dyn.service", "ipc-kept.service").ExitCode);
            Assert.True(await Wait.UntilAsync(() => !SegmentExists(segments["ipc-dyn"])), daemon.Log);
            Assert.True(SegmentExists(segments["ipc-kept"]));   // RemoveIPC= not set: the segment outlives the unit

            CommandResult again = Cli.Run(root, "start", "ipc-removed.service");
            Assert.True(again.ExitCode == 0, again + daemon.Log);
            segments["ipc-removed"] = Parse(removedOut)["shm"];
            Assert.Equal(0, Cli.Run(root, "stop", "ipc-removed.service").ExitCode);
            // The last unit of nobody stopped with RemoveIPC=: every segment of the user goes, the older one too.
            Assert.True(await Wait.UntilAsync(() => !SegmentExists(segments["ipc-removed"]) && !SegmentExists(segments["ipc-kept"])), daemon.Log);
        }
        finally
        {
            foreach (string id in segments.Values)
                Command.Run("ipcrm", ["-m", id]);
        }
    }

    [Fact]
    public async Task A_name_that_is_only_a_static_group_fails_at_step_USER_with_systemds_line()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5): "if User= is specified and the static group with the name exists, then it is required that
        // the static user with the name already exists" (adm is a group of Debian without a user of that name).
        WriteService(root, "dyn-adm", "DynamicUser=yes\nUser=adm", "id -u");
        Assert.NotEqual(0, Cli.Run(root, "start", "dyn-adm.service").ExitCode);
        Assert.Equal("217", Cli.ShowOne(root, "dyn-adm.service", "ExecMainStatus"));
        string journal = await Wait.ForAsync(() => Cli.Run(root, "journal", "--no-pager").StdOut,
            j => j.Contains("dyn-adm.service: Failed at step USER", StringComparison.Ordinal));
        Assert.Contains("dyn-adm.service: User or group with specified name already exists: adm is a static group without the user of the same name;", journal);
        Assert.Contains("dyn-adm.service: Failed to update dynamic user credentials: Operation not supported", journal);
    }

    [Fact]
    public async Task A_user_manager_refuses_DynamicUser_with_217_unless_best_effort_which_runs_it_as_itself_and_says_so()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["--user", "daemon"], waitReady: true);
        WriteService(root, "dyn-user", "DynamicUser=yes", "id -u");
        string fallback = WriteService(root, "dyn-fallback", "DynamicUser=yes\n[X-Summon]\nSandboxFallback=best-effort", "echo uid=$$(id -u)");
        Assert.NotEqual(0, Cli.Run(root, "--user", "start", "dyn-user.service").ExitCode);
        Assert.Equal("217", Cli.ShowOne(root, "dyn-user.service", "ExecMainStatus"));
        CommandResult start = Cli.Run(root, "--user", "start", "dyn-fallback.service");
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        Assert.Equal("0", Parse(fallback)["uid"]);   // this user manager's own user (root here)
        string journal = await Wait.ForAsync(() => Cli.Run(root, "--user", "journal", "--no-pager").StdOut,
            j => j.Contains("dyn-fallback.service: sandbox downgraded", StringComparison.Ordinal));
        Assert.Contains("dyn-user.service: DynamicUser=yes needs the system manager: a user manager cannot switch its services to another uid.", journal);
        Assert.Contains("dyn-fallback.service: sandbox downgraded (best-effort): DynamicUser=yes (a user manager cannot switch to another uid", journal);
    }

    /// <summary>A System V shared memory segment of that id is listed in /proc/sysvipc/shm.</summary>
    private static bool SegmentExists(string id) =>
        File.ReadAllLines("/proc/sysvipc/shm").Skip(1)
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } f && f[1] == id);
}
