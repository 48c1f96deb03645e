using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The privilege side of the sandbox (issue 14): capabilities, no_new_privs, and the user, network, IPC and UTS
/// namespaces, read back from what the kernel shows the running service (/proc/self/status, uid_map, `ip link`,
/// the hostname). Each expectation cites the systemd.exec(5) line it follows.
/// </summary>
public sealed class SandboxPrivilegesTests
{
    /// <summary>Runs a oneshot whose output (a shell script's) lands in a file, and returns that output.</summary>
    private static async Task<string> RunAsync(TempRoot root, string settings, string script, string expectState = "inactive")
    {
        string output = Path.Combine(root.Dir, "probe.out");
        root.WriteUnit("probe.service",
            $"[Service]\nType=oneshot\nStandardOutput=truncate:{output}\nStandardError=journal\n{settings}\nExecStart=/bin/sh -c '{script}'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        CommandResult start = Cli.Run(root, "start", "probe.service");
        Assert.Equal(expectState, await Wait.ForAsync(() => Cli.IsActive(root, "probe.service"), s => s == expectState));
        if (expectState == "inactive")
            Assert.Equal(0, start.ExitCode);
        return File.Exists(output) ? File.ReadAllText(output) : "";
    }

    private static string Field(string status, string name) =>
        status.Split('\n').First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    private const string Status = "grep -E \"^(Cap|NoNewPrivs)\" /proc/self/status";

    [RootFact]
    public async Task Without_privilege_keys_a_root_service_keeps_every_capability()
    {
        using var root = new TempRoot();
        string status = await RunAsync(root, "", Status);
        Assert.Equal(Field(File.ReadAllText("/proc/self/status"), "CapBnd"), Field(status, "CapBnd"));
        Assert.Equal("0", Field(status, "NoNewPrivs"));
    }

    // systemd.exec(5), CapabilityBoundingSet=: "Controls which capabilities to include in the capability bounding set
    // for the executed process ... If the list of capabilities is prefixed with "~", all but the listed capabilities
    // will be included"; lines are merged by OR, or by AND for "~" lines.
    [RootFact]
    public async Task CapabilityBoundingSet_limits_the_bounding_and_effective_sets()
    {
        using var root = new TempRoot();
        string status = await RunAsync(root, "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN\nCapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~CAP_CHOWN", Status);
        Assert.Equal("0000000000000420", Field(status, "CapBnd"));   // kill (5), net_bind_service (10)
        Assert.Equal("0000000000000420", Field(status, "CapEff"));
    }

    // systemd.exec(5), ProtectKernelModules=: "the CAP_SYS_MODULE capability is removed from the bounding set";
    // ProtectKernelLogs=: CAP_SYSLOG; ProtectClock=: CAP_SYS_TIME and CAP_WAKE_ALARM; PrivateDevices=: CAP_MKNOD and
    // CAP_SYS_RAWIO.
    [RootFact]
    public async Task The_protect_keys_take_their_capabilities_out_of_the_bounding_set()
    {
        using var root = new TempRoot();
        string status = await RunAsync(root, "ProtectKernelModules=yes\nProtectKernelLogs=yes\nProtectClock=yes", Status);
        ulong bounding = Convert.ToUInt64(Field(status, "CapBnd"), 16);
        foreach (int cap in (int[])[16, 34, 25, 35])
            Assert.Equal(0UL, bounding & (1UL << cap));
        Assert.NotEqual(0UL, bounding & (1UL << 21));   // CAP_SYS_ADMIN stays
    }

    // systemd.exec(5), AmbientCapabilities=: "Controls which capabilities to include in the ambient capability set
    // for the executed process. ... This option is useful for running processes as an unprivileged user while still
    // giving them some capabilities."
    [RootFact]
    public async Task AmbientCapabilities_survive_the_change_to_an_unprivileged_user()
    {
        using var root = new TempRoot();
        string status = await RunAsync(root, "User=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW", Status);
        Assert.Equal("0000000000002400", Field(status, "CapAmb"));
        Assert.Equal("0000000000002400", Field(status, "CapEff"));
        Assert.Equal("0000000000002400", Field(status, "CapPrm"));
    }

    // systemd.exec(5), NoNewPrivileges=: "ensures that the service process and all its children can never gain new
    // privileges through execve() (e.g. via setuid or setgid bits, or filesystem capabilities)".
    [RootFact]
    public async Task NoNewPrivileges_stops_a_setuid_root_binary_from_raising_the_uid()
    {
        using var root = new TempRoot();
        string dir = Path.Combine("/tmp", "summon-nnp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
            string id = Path.Combine(dir, "id");
            File.Copy("/usr/bin/id", id);
            File.SetUnixFileMode(id, (UnixFileMode)Convert.ToInt32("4755", 8));

            string gains = await RunAsync(root, "User=nobody", $"{id} -u");
            Assert.Equal("0", gains.Trim());   // the setuid bit works for this service without the key
            string status = await RunAsync(root, "User=nobody\nNoNewPrivileges=yes", $"{id} -u; {Status}");
            Assert.StartsWith("65534\n", status, StringComparison.Ordinal);
            Assert.Equal("1", Field(status, "NoNewPrivs"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // systemd.exec(5), PrivateNetwork=: "sets up a new network namespace for the executed processes and configures
    // only the loopback network device "lo" inside it".
    [RootFact]
    public async Task PrivateNetwork_leaves_only_lo_and_it_is_up()
    {
        using var root = new TempRoot();
        string links = await RunAsync(root, "PrivateNetwork=yes", "ip -o link show");
        string[] lines = links.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(": lo: <LOOPBACK,UP,LOWER_UP>", lines[0], StringComparison.Ordinal);
    }

    // systemd.exec(5), ProtectHostname=: "sets up a new UTS namespace for the executed processes ... changing
    // hostname or domainname is prevented" from reaching the host: a change stays inside.
    [RootFact]
    public async Task ProtectHostname_keeps_a_hostname_change_inside_the_service()
    {
        using var root = new TempRoot();
        string host = File.ReadAllText("/proc/sys/kernel/hostname");
        // The change is made only from another UTS namespace: a broken build must not rename the test machine.
        string uts = new FileInfo("/proc/self/ns/uts").LinkTarget!;
        string seen = await RunAsync(root, "ProtectHostname=yes",
            $"readlink /proc/self/ns/uts | grep -Fqvx \"{uts}\" && echo summon-probe > /proc/sys/kernel/hostname; cat /proc/sys/kernel/hostname");
        Assert.Equal("summon-probe\n", seen);
        Assert.Equal(host, File.ReadAllText("/proc/sys/kernel/hostname"));
    }

    // systemd.exec(5), PrivateIPC=: "sets up a new IPC namespace for the executed processes".
    [RootFact]
    public async Task PrivateIPC_gives_the_service_an_IPC_namespace_of_its_own()
    {
        using var root = new TempRoot();
        string own = new FileInfo("/proc/self/ns/ipc").LinkTarget!;
        string seen = await RunAsync(root, "PrivateIPC=yes", "readlink /proc/self/ns/ipc");
        Assert.StartsWith("ipc:[", seen, StringComparison.Ordinal);
        Assert.NotEqual(own, seen.Trim());
    }

    // systemd.exec(5), PrivateUsers=: "sets up a new user namespace for the executed processes and configures a
    // minimal user and group mapping, that maps the "root" user and group as well as the unit's own user and group to
    // themselves and everything else to the "nobody" user and group."
    [RootFact]
    public async Task PrivateUsers_maps_root_and_the_service_user_only()
    {
        using var root = new TempRoot();
        string maps = await RunAsync(root, "User=nobody\nPrivateUsers=yes", "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u");
        string[] lines = maps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 0 1", "65534 65534 1", "0 0 1", "65534 65534 1", "deny", "65534"], lines);
    }

    [RootFact]
    public async Task PrivateUsers_as_root_maps_root_alone()
    {
        using var root = new TempRoot();
        string maps = await RunAsync(root, "PrivateUsers=yes\nPrivateNetwork=yes", "cat /proc/self/uid_map; ip -o link show | wc -l");
        string[] lines = maps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 0 1", "1"], lines);
    }

    // Secure by default (issue 14): a bounding set the manager cannot change (no CAP_SETPCAP) fails the start with
    // systemd's 218/CAPABILITIES, naming the step, rather than running the service with every capability.
    [RootFact]
    public async Task A_bounding_set_the_manager_cannot_drop_fails_with_218_CAPABILITIES()
    {
        using var root = new TempRoot();
        root.WriteUnit("bset.service", "[Service]\nType=exec\nExecStart=/bin/true\nCapabilityBoundingSet=CAP_KILL\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "setpriv", ["--bounding-set", "-setpcap", SummonBinary.Path, "daemon"], waitReady: true);
        Assert.NotEqual(0, Cli.Run(root, "start", "bset.service").ExitCode);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "bset.service"), s => s == "failed"));
        Assert.Equal("218", Cli.ShowOne(root, "bset.service", "ExecMainStatus"));
        string journal = await Wait.ForAsync(
            () => Cli.Run(root, "journal", "-u", "bset.service", "--no-pager").StdOut,
            j => j.Contains("Failed at step", StringComparison.Ordinal));
        Assert.Contains("bset.service: Failed at step CAPABILITIES spawning /bin/true: Operation not permitted", journal, StringComparison.Ordinal);
        Assert.Contains("status=218/CAPABILITIES", journal, StringComparison.Ordinal);
    }

    // Issue 14, user mode: a rootless manager applies what an unprivileged user namespace allows, with PrivateUsers=
    // implied for the keys that need one, as systemd's user manager does.
    [RootFact]
    public async Task A_rootless_manager_applies_namespaces_and_the_bounding_set_in_an_implied_user_namespace()
    {
        string dir = Path.Combine("/tmp", "summon-privs-user-" + Guid.NewGuid().ToString("N"));
        string output = Path.Combine(dir, "out");
        foreach (string sub in (string[])["units", "run", "state"])
            Directory.CreateDirectory(Path.Combine(dir, sub));
        File.WriteAllText(Path.Combine(dir, "units", "probe.service"),
            $"[Service]\nType=oneshot\nStandardOutput=truncate:{output}\nPrivateNetwork=yes\nNoNewPrivileges=yes\nCapabilityBoundingSet=CAP_KILL\n"
            + $"ExecStart=/bin/sh -c 'cat /proc/self/uid_map; ip -o link show | wc -l; {Status}'\n");
        Command.Run("chown", ["-R", "65534:65534", dir]);
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        var env = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin:/bin", ["HOME"] = dir, ["SUMMON_UNIT_PATH"] = Path.Combine(dir, "units"),
            ["SUMMON_RUNTIME_DIR"] = Path.Combine(dir, "run"), ["SUMMON_STATE_DIR"] = Path.Combine(dir, "state"),
        };
        string[] nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", SummonBinary.Path, "--user"];
        var info = new System.Diagnostics.ProcessStartInfo("setpriv", [.. nobody, "daemon"]) { UseShellExecute = false, RedirectStandardInput = true };
        info.Environment.Clear();
        foreach ((string key, string value) in env)
            info.Environment[key] = value;
        var daemon = System.Diagnostics.Process.Start(info)!;
        try
        {
            await Wait.ForAsync(() => Command.Run("setpriv", [.. nobody, "list-sockets"], env).ExitCode, c => c == 0);
            CommandResult start = Command.Run("setpriv", [.. nobody, "start", "probe.service"], env, timeout: TimeSpan.FromSeconds(60));
            Assert.True(start.ExitCode == 0, start.ToString());
            string[] lines = File.ReadAllText(output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => string.Join(' ', l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))).ToArray();
            Assert.Equal(["65534 65534 1", "1", "CapInh: 0000000000000000", "CapPrm: 0000000000000000", "CapEff: 0000000000000000",
                "CapBnd: 0000000000000020", "CapAmb: 0000000000000000", "NoNewPrivs: 1"], lines);
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
            daemon.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
