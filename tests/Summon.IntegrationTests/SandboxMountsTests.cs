using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The file-system view of the sandbox (issue 14, mounts) run by the published binary: a oneshot service probes what
/// it can write, see and open with shell tests (test -w answers EROFS for a read-only mount without writing), and each
/// answer flips where systemd.exec(5) says it does; the manager's own view never changes. Needs root (mount namespaces).
/// </summary>
public sealed class SandboxMountsTests
{
    /// <summary>One line per probe, "name=yes|no".</summary>
    private const string Probes =
        "for p in /usr /etc /var /root /home /proc/sys/kernel/hostname /sys/kernel /sys/fs/cgroup /dev/shm; do test -w $$p && echo $$p=w || echo $$p=ro; done; "
        + "for p in /root /home; do echo ls$$p=$$(ls -A $$p 2>/dev/null | wc -l); done; "
        + "echo kallsyms=$$(head -c1 /proc/kallsyms 2>/dev/null | wc -c); "
        + "for d in /dev/null /dev/zero /dev/urandom /dev/tty /dev/loop0 /dev/pts/ptmx; do test -e $$d && echo dev$$d=yes || echo dev$$d=no; done; "
        + "test -c /dev/kmsg && echo kmsg=chr || echo kmsg=not-chr; "
        + "echo null=$$(echo x >/dev/null && echo ok)";

    private static async Task<Dictionary<string, string>> ProbeAsync(TempRoot root, DaemonProcess daemon, string name, string settings, string script = Probes)
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
        CommandResult start = Cli.Run(root, "start", name + ".service");
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(output))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                answers[line[..eq]] = line[(eq + 1)..];
        }

        return answers;
    }

    [Fact]
    public async Task Without_sandbox_keys_the_service_sees_the_managers_view()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var a = await ProbeAsync(root, daemon, "plain", "");
        Assert.Equal(("w", "w", "w", "w"), (a["/usr"], a["/etc"], a["/proc/sys/kernel/hostname"], a["/sys/kernel"]));
        Assert.Equal(("w", "yes", "chr", "1"), (a["/sys/fs/cgroup"], a["dev/dev/loop0"], a["kmsg"], a["kallsyms"]));
        Assert.NotEqual("0", a["ls/home"]);   // the host's /home has an entry here: the ProtectHome= test below empties it
    }

    [Fact]
    public async Task ProtectSystem_yes_full_and_strict_make_usr_then_etc_then_everything_but_dev_proc_sys_read_only()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) ProtectSystem=: "If true, mounts the /usr/ and the boot loader directories read-only".
        var yes = await ProbeAsync(root, daemon, "ps-yes", "ProtectSystem=yes");
        Assert.Equal(("ro", "w", "w"), (yes["/usr"], yes["/etc"], yes["/var"]));
        // "If set to "full", the /etc/ directory is mounted read-only, too."
        var full = await ProbeAsync(root, daemon, "ps-full", "ProtectSystem=full");
        Assert.Equal(("ro", "ro", "w"), (full["/usr"], full["/etc"], full["/var"]));
        // "If set to "strict" the entire file system hierarchy is mounted read-only, except for the API file system
        // subtrees /dev/, /proc/ and /sys/".
        var strict = await ProbeAsync(root, daemon, "ps-strict", "ProtectSystem=strict");
        Assert.Equal(("ro", "ro", "ro"), (strict["/usr"], strict["/etc"], strict["/var"]));
        Assert.Equal(("w", "w", "w"), (strict["/proc/sys/kernel/hostname"], strict["/sys/kernel"], strict["/dev/shm"]));
        // /home, /root and /run/user are left to ProtectHome= (namespace.c's strict table marks them writable).
        Assert.Equal(("w", "w"), (strict["/root"], strict["/home"]));
        Assert.Equal("w", Probe("/usr"));   // the manager's own view is untouched
    }

    [Fact]
    public async Task Under_strict_ReadWritePaths_and_the_service_directories_stay_writable_and_WorkingDirectory_is_resolved_inside()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.SetEnvironment("SUMMON_DIRECTORY_ROOT", Path.Combine(root.Dir, "dirs"));
        string rw = Path.Combine(root.Dir, "rw"), ro = Path.Combine(root.Dir, "rw", "ro");
        Directory.CreateDirectory(ro);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string script = $"test -w {rw} && echo rw=w || echo rw=ro; test -w {ro} && echo ro=w || echo ro=ro; "
            + "test -w $${STATE_DIRECTORY} && echo state=w || echo state=ro; echo cwd=$$(pwd); "
            + $"test -w {root.Dir} && echo top=w || echo top=ro";
        // systemd.exec(5) ReadWritePaths=: "paths listed in ReadWritePaths= are accessible for reading and writing"
        // under a read-only hierarchy, a nested ReadOnlyPaths= wins below it; StateDirectory= is added to them.
        var a = await ProbeAsync(root, daemon, "strict-rw", $"ProtectSystem=strict\nReadWritePaths={rw}\nReadOnlyPaths={ro}\nStateDirectory=st\n"
            + "BindPaths=/usr/bin:/opt/summon-bound\nWorkingDirectory=/opt/summon-bound", script);
        Assert.Equal(("w", "ro", "w", "ro"), (a["rw"], a["ro"], a["state"], a["top"]));
        Assert.Equal("/opt/summon-bound", a["cwd"]);   // exists only in the service's view
        Assert.False(Directory.Exists("/opt/summon-bound/sh") || File.Exists("/opt/summon-bound/sh"));
    }

    [Fact]
    public async Task ProtectHome_yes_read_only_and_tmpfs_hide_freeze_or_empty_root_and_home()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) ProtectHome=: "If true, the directories /home/, /root, and /run/user are made inaccessible
        // and empty for processes invoked by this unit. If set to "read-only", the three directories are made
        // read-only instead. If set to "tmpfs", temporary file systems are mounted on the three directories in
        // read-only mode."
        var yes = await ProbeAsync(root, daemon, "ph-yes", "ProtectHome=yes");
        Assert.Equal(("0", "ro", "ro", "w"), (yes["ls/home"], yes["/home"], yes["/root"], yes["/usr"]));
        var readOnly = await ProbeAsync(root, daemon, "ph-ro", "ProtectHome=read-only");
        Assert.NotEqual("0", readOnly["ls/home"]);
        Assert.Equal(("ro", "ro", "w"), (readOnly["/home"], readOnly["/root"], readOnly["/usr"]));
        string list = "echo home=$$(ls -A /home | wc -l); test -w /home && echo w=w || echo w=ro";
        var tmpfs = await ProbeAsync(root, daemon, "ph-tmpfs", "ProtectHome=tmpfs", list);
        Assert.Equal(("0", "ro"), (tmpfs["home"], tmpfs["w"]));
    }

    [Fact]
    public async Task PrivateTmp_gives_each_service_its_own_tmp_and_var_tmp_removed_at_stop()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        string mark = $"/tmp/summon-host-mark-{Path.GetFileName(root.Dir)}";
        File.WriteAllText(mark, "host");
        try
        {
            using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
            // systemd.exec(5) PrivateTmp=: "sets up a new file system namespace for the executed processes and mounts
            // private /tmp/ and /var/tmp/ directories inside it that are not shared by processes outside of the namespace".
            string write = $"test -e {mark} && echo host=yes || echo host=no; echo a > /tmp/svc-mark; echo a > /var/tmp/svc-mark; "
                + "test -e /tmp/other && echo other=yes || echo other=no; touch /tmp/other";
            var a = await ProbeAsync(root, daemon, "pt-a", "PrivateTmp=yes\nRemainAfterExit=yes", write);
            Assert.Equal(("no", "no"), (a["host"], a["other"]));
            Assert.False(File.Exists("/tmp/svc-mark"));
            string own = Path.Combine(root.RuntimeDir, "sandbox", "private-tmp", "pt-a.service", "tmp");
            Assert.True(File.Exists(Path.Combine(own, "svc-mark")));
            Assert.Equal((UnixFileMode)0b1_111_111_111, File.GetUnixFileMode(own));
            var b = await ProbeAsync(root, daemon, "pt-b", "PrivateTmp=yes", write);
            Assert.Equal("no", b["other"]);   // pt-a's /tmp/other is not pt-b's
            Assert.Equal(0, Cli.Run(root, "stop", "pt-a.service").ExitCode);
            Assert.True(await Wait.UntilAsync(() => !Directory.Exists(Path.GetDirectoryName(own))), daemon.Log);   // removed off the loop
        }
        finally
        {
            File.Delete(mark);
        }
    }

    [Fact]
    public async Task PrivateDevices_shows_only_the_pseudo_devices()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) PrivateDevices=: "sets up a new /dev/ mount for the executed processes and only adds API
        // pseudo devices such as /dev/null, /dev/zero or /dev/random (as well as the pseudo TTY subsystem) to it, but
        // no physical devices such as /dev/sda".
        var a = await ProbeAsync(root, daemon, "pd", "PrivateDevices=yes");
        Assert.Equal(("yes", "yes", "yes", "yes", "yes"), (a["dev/dev/null"], a["dev/dev/zero"], a["dev/dev/urandom"], a["dev/dev/tty"], a["dev/dev/pts/ptmx"]));
        Assert.Equal(("no", "not-chr", "ok"), (a["dev/dev/loop0"], a["kmsg"], a["null"]));
    }

    [Fact]
    public async Task The_kernel_keys_make_proc_sys_sys_and_the_cgroup_tree_read_only_and_hide_kallsyms_and_kmsg()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) ProtectKernelTunables=: "Kernel variables accessible through /proc/sys/, /sys/, ... will be
        // made read-only"; ProtectControlGroups=: "the Linux Control Groups hierarchies accessible through
        // /sys/fs/cgroup/ will be made read-only"; ProtectKernelLogs=: "access to /proc/kmsg and /dev/kmsg" is denied;
        // /proc/kallsyms is among the tunables' inaccessible files (namespace.c).
        var a = await ProbeAsync(root, daemon, "pk", "ProtectKernelTunables=yes\nProtectControlGroups=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes");
        Assert.Equal(("ro", "ro", "ro", "0"), (a["/proc/sys/kernel/hostname"], a["/sys/kernel"], a["/sys/fs/cgroup"], a["kallsyms"]));
        Assert.Equal(("w", "not-chr"), (a["/usr"], a["kmsg"]));
        var tunablesOnly = await ProbeAsync(root, daemon, "pk2", "ProtectKernelTunables=yes");
        Assert.Equal(("w", "chr"), (tunablesOnly["/sys/fs/cgroup"], tunablesOnly["kmsg"]));
    }

    [Fact]
    public async Task InaccessiblePaths_TemporaryFileSystem_BindReadOnlyPaths_and_NoExecPaths_change_only_their_paths()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        string data = Path.Combine(root.Dir, "data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "f"), "x");
        string exe = Path.Combine(root.Dir, "exe");
        Directory.CreateDirectory(Path.Combine(exe, "sub"));
        File.Copy("/bin/true", Path.Combine(exe, "t"));
        File.Copy("/bin/true", Path.Combine(exe, "sub", "t"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // systemd.exec(5) NoExecPaths=/ExecPaths=: "ExecPaths= ... are mounted with the exec flag while NoExecPaths=
        // ... are mounted noexec", the more specific one winning.
        string script = $"{exe}/t && echo noexec=runs || echo noexec=refused; {exe}/sub/t && echo sub=runs || echo sub=refused; "
            + $"cat {data}/f >/dev/null 2>&1 && echo hidden=no || echo hidden=yes; "
            + "echo tmpfs=$$(ls -A /srv | wc -l); test -w /srv && echo srv=w || echo srv=ro; "
            + "test -e /mnt/summon-ro/f && echo bound=yes || echo bound=no; test -w /mnt/summon-ro && echo bro=w || echo bro=ro; "
            + "/bin/true && echo exec=yes || echo exec=no; test -e /nowhere && echo nowhere=yes || echo nowhere=no";
        var a = await ProbeAsync(root, daemon, "paths",
            $"InaccessiblePaths={data}\nTemporaryFileSystem=/srv:ro\nBindReadOnlyPaths={data}:/mnt/summon-ro\nInaccessiblePaths=-/nowhere\nNoExecPaths={exe}\nExecPaths={exe}/sub",
            script);
        Assert.Equal(("refused", "runs"), (a["noexec"], a["sub"]));
        Assert.Equal(("yes", "0", "ro"), (a["hidden"], a["tmpfs"], a["srv"]));
        Assert.Equal(("yes", "ro", "yes", "no"), (a["bound"], a["bro"], a["exec"], a["nowhere"]));
    }

    [Fact]
    public async Task A_mount_that_cannot_be_made_fails_the_start_with_226_NAMESPACE()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.WriteUnit("nobind.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nBindPaths=/nonexistent-summon-source:/mnt/x\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.NotEqual(0, Cli.Run(root, "start", "nobind.service").ExitCode);
        Dictionary<string, string> show = Cli.Show(root, "nobind.service", "ActiveState", "ExecMainStatus");
        Assert.Equal(("failed", "226"), (show["ActiveState"], show["ExecMainStatus"]));
        Assert.Contains("nobind.service: Failed at step NAMESPACE spawning /bin/true: No such file or directory", daemon.Log, StringComparison.Ordinal);
    }

    private static string Probe(string path) => Command.Run("/bin/sh", ["-c", $"test -w {path} && echo w || echo ro"]).StdOut.Trim();
}
