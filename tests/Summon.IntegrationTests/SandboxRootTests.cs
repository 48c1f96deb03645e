using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The service's own root and /proc (issue 14): RootDirectory= with MountAPIVFS=, ProtectProc=, ProcSubset=, RootImage=
/// refused, and JoinsNamespaceOf= sharing a private /tmp, run by the published binary with tests/Programs/sandbox-probe
/// reporting what the service sees. Each expectation cites the systemd.exec(5) or systemd.unit(5) line it follows.
/// </summary>
public sealed class SandboxRootTests
{
    private static readonly Lazy<string> s_staticProbe = new(BuildStaticProbe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Starts a oneshot running the probe (<paramref name="execStart"/>) and returns its report, which it prints on
    /// stdout: a file the child opens before its mounts, so a private /tmp or a root directory does not hide it.
    /// </summary>
    private static SandboxProbeReport Probe(TempRoot root, DaemonProcess daemon, string name, string settings, string execStart)
    {
        string report = Path.Combine(root.Dir, name + ".report");
        root.WriteUnit(name + ".service", $"[Service]\nType=oneshot\nStandardOutput=truncate:{report}\nExecStart={execStart}\n{settings}\n");
        CommandResult start = Cli.Run(root, "start", name + ".service");
        Assert.True(start.ExitCode == 0, start + Cli.Run(root, "journal", "-u", name + ".service", "--no-pager").StdOut + daemon.Log);
        return SandboxProbeReport.Parse(File.ReadAllText(report));
    }

    /// <summary>A root directory holding only a static copy of the probe and /out with a file "marker".</summary>
    private static string MakeTree(TempRoot root, string name)
    {
        string tree = Path.Combine(root.Dir, name);
        Directory.CreateDirectory(Path.Combine(tree, "out"));
        File.WriteAllText(Path.Combine(tree, "out", "marker"), "x");
        File.Copy(s_staticProbe.Value, Path.Combine(tree, "probe"));
        return tree;
    }

    [RootFact]
    public async Task RootDirectory_runs_the_service_inside_its_tree_with_proc_dev_sys_and_run_mounted_there()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string bare = MakeTree(root, "bare");
        // systemd.exec(5) RootDirectory=: "Sets the root directory for executed processes"; WorkingDirectory= "Takes a
        // directory path relative to the service's root directory specified by RootDirectory=". MountAPIVFS=no: the
        // tree is all the service sees, without /proc.
        var a = Probe(root, daemon, "bare", $"RootDirectory={bare}\nMountAPIVFS=no\nWorkingDirectory=/out", "/probe -t marker");
        Assert.True(("2", "ENOENT", "ENOENT", "ok") == (a["root_entries"], a["proc_self"], a["write_usr"], a["tmp_marker"]), a.ToString());

        // MountAPIVFS=: "the API file systems /proc/, /sys/, /dev/ and /run/ (as an empty "tmpfs") are mounted inside of
        // it"; on by default with RootDirectory= (systemd 252's exec_context_get_effective_mount_apivfs()).
        string api = MakeTree(root, "api");
        var b = Probe(root, daemon, "api", $"RootDirectory={api}", "/probe");
        Assert.True(("6", "ok", "ok") == (b["root_entries"], b["proc_self"], b["proc_sys"]), b.ToString());
        Assert.NotEqual("0", b["dev_entries"]);
        Assert.Equal("ENOENT", b["write_usr"]);
        // The manager's view keeps the tree as it was: nothing stays mounted there.
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(api, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(api, "proc")));

        // The credentials directory is bound into the root at its path, as systemd binds it into the namespace.
        string creds = MakeTree(root, "creds");
        var c = Probe(root, daemon, "creds", $"RootDirectory={creds}\nSetCredential=secret:x", "/probe -t ${CREDENTIALS_DIRECTORY}/secret");
        Assert.True(c["tmp_marker"] == "ok", c.ToString());
    }

    [RootFact]
    public async Task Under_RootDirectory_ProtectSystem_and_BindReadOnlyPaths_apply_inside_and_a_program_missing_there_fails_with_203_EXEC()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string tree = MakeTree(root, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        string shared = Path.Combine(root.Dir, "shared");
        Directory.CreateDirectory(shared);
        File.WriteAllText(Path.Combine(shared, "marker"), "x");
        // BindReadOnlyPaths=: "the source path refers to a path on the host file system, while the destination path
        // refers to a path below the root directory of the unit"; ProtectSystem=strict makes the tree read-only but
        // ReadWritePaths=+/out, a path "taken relative to the root directory of the unit".
        var a = Probe(root, daemon, "tree",
            $"RootDirectory={tree}\nProtectSystem=strict\nReadWritePaths=+/out\nBindReadOnlyPaths={shared}:/srv/shared",
            "/probe -t /srv/shared/marker -w /out");
        Assert.True(("ok", "EROFS", "ok") == (a["tmp_marker"], a["write_etc"], a["setuid_chmod"]), a.ToString());
        Assert.Empty(Directory.GetFiles(Path.Combine(tree, "etc")));

        // RootDirectory=: "it must be ensured that the process binary and all its auxiliary files are available in the
        // chroot() jail": /bin/true is the host's, not the tree's.
        root.WriteUnit("missing.service", $"[Service]\nType=oneshot\nRootDirectory={tree}\nExecStart=/bin/true\n");
        Assert.NotEqual(0, Cli.Run(root, "start", "missing.service").ExitCode);
        Assert.Equal("203", Cli.ShowOne(root, "missing.service", "ExecMainStatus"));
    }

    [RootFact]
    public async Task ProtectProc_invisible_and_noaccess_hide_another_users_process_and_ProcSubset_pid_hides_proc_sys()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string probe = $"{TestPrograms.SandboxProbe} -P {daemon.Pid}";
        const string nobody = "User=nobody\n";
        // ProtectProc=: "Note that the root user is unaffected by this option, so to be effective it has to be used
        // together with User=": without it the manager's /proc entry is another user's but readable.
        var plain = Probe(root, daemon, "plain", nobody, probe);
        Assert.True(("ok", "ok") == (plain["proc_other"], plain["proc_sys"]), plain.ToString());
        // "When set to "invisible" processes owned by other users are hidden from /proc/."
        var invisible = Probe(root, daemon, "invisible", nobody + "ProtectProc=invisible", probe);
        Assert.True(("ENOENT", "ok") == (invisible["proc_other"], invisible["proc_self"]), invisible.ToString());
        // "when set to "noaccess" the ability to access most of other users' process metadata in /proc/ is taken away".
        var noaccess = Probe(root, daemon, "noaccess", nobody + "ProtectProc=noaccess", probe);
        Assert.True(noaccess["proc_other"] is "EPERM" or "EACCES", noaccess.ToString());
        // ProcSubset=: "If "pid", all files and directories not directly associated with process management and
        // introspection are made invisible in the /proc/ file system configured for the unit's processes."
        var subset = Probe(root, daemon, "subset", nobody + "ProcSubset=pid", probe);
        Assert.True(("ENOENT", "ok", "ok") == (subset["proc_sys"], subset["proc_other"], subset["proc_self"]), subset.ToString());
        Assert.True(File.Exists("/proc/sys/kernel/hostname"));   // the manager's /proc is untouched
    }

    [RootFact]
    public async Task JoinsNamespaceOf_shares_the_private_tmp_of_the_running_unit_and_no_other()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.unit(5) JoinsNamespaceOf=: "its processes will see the same /tmp/, /var/tmp/ ... as one listed unit
        // that is started"; either side naming the other is enough (the dependency is its own inverse).
        root.WriteUnit("owner.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nPrivateTmp=yes\nExecStart=/bin/sh -c 'echo x > /tmp/marker'\n");
        Assert.Equal(0, Cli.Run(root, "start", "owner.service").ExitCode);
        string probe = $"{TestPrograms.SandboxProbe} -t /tmp/marker";
        var joined = Probe(root, daemon, "joined", "[Unit]\nJoinsNamespaceOf=owner.service\n[Service]\nPrivateTmp=yes", probe);
        Assert.True(joined["tmp_marker"] == "ok", joined.ToString());
        var alone = Probe(root, daemon, "alone", "PrivateTmp=yes", probe);
        Assert.True(alone["tmp_marker"] == "ENOENT", alone.ToString());
        Assert.False(File.Exists("/tmp/marker"));

        // The directories live while a unit of the group does: they go with the last one.
        string owned = Path.Combine(root.RuntimeDir, "sandbox", "private-tmp", "owner.service");
        Assert.Equal(0, Cli.Run(root, "stop", "owner.service").ExitCode);
        Assert.False(Directory.Exists(owned));
    }

    [RootFact]
    public async Task RootImage_is_refused_with_226_NAMESPACE_and_a_line_saying_why()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        root.WriteUnit("image.service", "[Service]\nType=oneshot\nRootImage=/srv/image.raw\nExecStart=/bin/true\n");
        Assert.NotEqual(0, Cli.Run(root, "start", "image.service").ExitCode);
        Assert.Equal("226", Cli.ShowOne(root, "image.service", "ExecMainStatus"));
        string journal = Cli.Run(root, "journal", "-u", "image.service", "--no-pager").StdOut;
        Assert.Contains("Cannot apply RootImage=/srv/image.raw (disk images are not attached; unpack the image and name its directory with RootDirectory=)", journal, StringComparison.Ordinal);
    }

    [NeedsMountsFact]
    public async Task Without_CAP_SYS_ADMIN_ProtectProc_fails_with_226_NAMESPACE()
    {
        using var root = new TempRoot();
        root.WriteUnit("guarded.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nProtectProc=invisible\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "capsh",
            ["--drop=cap_sys_admin", "--", "-c", $"exec {SummonBinary.Path} daemon"], waitReady: true);
        Assert.NotEqual(0, Cli.Run(root, "start", "guarded.service").ExitCode);
        Assert.Equal("226", Cli.ShowOne(root, "guarded.service", "ExecMainStatus"));
    }

    /// <summary>sandbox-probe linked statically (it runs in a root directory without a C library), built once.</summary>
    private static string BuildStaticProbe()
    {
        string repository = RepositoryRoot.Find();
        string output = Path.Combine(repository, "artifacts", "sandbox-probe-static");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        CommandResult build = Command.Run("flock",
            [output + ".lock", "cc", "-static", "-O2", "-o", output, Path.Combine(repository, "tests", "Programs", "sandbox-probe.c")],
            timeout: TimeSpan.FromMinutes(2), workingDirectory: repository);
        return build.ExitCode == 0 ? output : throw new InvalidOperationException($"Building the static sandbox-probe failed.\n{build}");
    }
}
