using System.Globalization;
using Summon.IntegrationTests.Harness;
using Summon.Posix;

namespace Summon.IntegrationTests;

/// <summary>
/// The system-call filters of issue 14 (seccomp part) on real processes: tests/Programs/seccomp-probe runs as a
/// Type=oneshot service under each key and reports what its calls returned (0, or the errno); each answer is
/// expected where systemd.exec(5) says it flips. Needs root (a service started as root, User=nobody for the
/// no_new_privs rule).
/// </summary>
public sealed class SeccompTests
{
    private static int s_runs;
    private string? _lastUnit;

    /// <summary>The unit the last <see cref="ProbeAsync"/> of this test ran.</summary>
    private string LastUnit => _lastUnit ?? "probe.service";

    private const int EPERM = 1, ENOSYS = 38, EAFNOSUPPORT = 97, EUCLEAN = 117;

    /// <summary>Runs the probe as a oneshot service with <paramref name="settings"/>; its "name=value" lines.</summary>
    private async Task<(Dictionary<string, string> Lines, CommandResult Start)> ProbeAsync(TempRoot root, string settings, params string[] probes)
    {
        // A unit of its own per run: no reload between runs, and no run reads another's output.
        int run = Interlocked.Increment(ref s_runs);
        string unit = $"probe{run}.service", output = Path.Combine(root.Dir, $"probe{run}.out");
        root.WriteUnit(unit, $"""
            [Service]
            Type=oneshot
            ExecStart={TestPrograms.SeccompProbe} {string.Join(' ', probes)}
            StandardOutput=file:{output}
            {settings}
            """);
        Cli.Run(root, "daemon-reload");
        CommandResult start = Cli.Run(root, "start", unit);
        await Wait.UntilAsync(() => Cli.IsActive(root, unit) is "inactive" or "failed");
        _lastUnit = unit;
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.Exists(output) ? File.ReadAllLines(output) : [])
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            lines[eq < 0 ? line : line[..eq]] = eq < 0 ? "" : line[(eq + 1)..];
        }

        return (lines, start);
    }

    private static string Call(string name) => "call:" + SyscallNumbers.X8664(name).ToString(CultureInfo.InvariantCulture);

    private static string Errno(int n) => n.ToString(CultureInfo.InvariantCulture);

    [RootFact]
    public async Task Without_filter_keys_every_probe_succeeds_and_no_filter_is_installed()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "", "personality", "mmap-wx", "socket-packet", "sched-fifo", "status");
        Assert.Equal(["0", "0", "0", "0", "0", ""], new[] { p["personality"], p["mmap-wx"], p["socket-packet"], p["sched-fifo"], p["Seccomp"], p.GetValueOrDefault("done", "missing") });
    }

    // systemd.exec(5), MemoryDenyWriteExecute=: "attempts to create memory mappings that are writable and executable at
    // the same time, or to change existing memory mappings to become executable ... are prohibited".
    [RootFact]
    public async Task MemoryDenyWriteExecute_refuses_writable_executable_mappings_with_EPERM()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "MemoryDenyWriteExecute=yes", "mmap-wx", "mprotect-x", "socket-unix", "status");
        Assert.Equal((Errno(EPERM), Errno(EPERM), "0", "2", "0"), (p["mmap-wx"], p["mprotect-x"], p["socket-unix"], p["Seccomp"], p["NoNewPrivs"]));
    }

    // systemd.exec(5), LockPersonality=: "locks down the personality(2) system call so that the kernel execution domain may
    // not be changed from the default or the personality selected with Personality= directive".
    [RootFact]
    public async Task LockPersonality_refuses_a_personality_change()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "LockPersonality=yes", "personality", "mmap-wx");
        Assert.Equal((Errno(EPERM), "0"), (p["personality"], p["mmap-wx"]));
    }

    // systemd.exec(5), RestrictAddressFamilies=: "socket(2) ... with an address family not listed fails with EAFNOSUPPORT";
    // "~" denies the listed ones; "none" all.
    [RootFact]
    public async Task RestrictAddressFamilies_refuses_socket_for_families_outside_the_list()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (allow, _) = await ProbeAsync(root, "RestrictAddressFamilies=AF_UNIX AF_INET", "socket-packet", "socket-unix");
        Assert.Equal((Errno(EAFNOSUPPORT), "0"), (allow["socket-packet"], allow["socket-unix"]));
        var (deny, _) = await ProbeAsync(root, "RestrictAddressFamilies=~AF_PACKET", "socket-packet", "socket-unix");
        Assert.Equal((Errno(EAFNOSUPPORT), "0"), (deny["socket-packet"], deny["socket-unix"]));
        var (none, _) = await ProbeAsync(root, "RestrictAddressFamilies=none", "socket-packet", "socket-unix");
        Assert.Equal((Errno(EAFNOSUPPORT), Errno(EAFNOSUPPORT)), (none["socket-packet"], none["socket-unix"]));
    }

    // systemd.exec(5), RestrictNamespaces=: "if true, access to any kind of namespacing is prohibited"; a list keeps those.
    [RootFact]
    public async Task RestrictNamespaces_refuses_unshare_of_the_types_not_kept()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (all, _) = await ProbeAsync(root, "RestrictNamespaces=yes", "unshare-net", "unshare-user");
        Assert.Equal((Errno(EPERM), Errno(EPERM)), (all["unshare-net"], all["unshare-user"]));
        var (net, _) = await ProbeAsync(root, "RestrictNamespaces=net", "unshare-net", "unshare-user", Call("clone3"));
        Assert.Equal(("0", Errno(EPERM), Errno(ENOSYS)), (net["unshare-net"], net["unshare-user"], net[Call("clone3")]));
    }

    // systemd.exec(5), RestrictRealtime=: "any attempts to enable realtime scheduling in a process of the unit are refused".
    [RootFact]
    public async Task RestrictRealtime_refuses_SCHED_FIFO()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "RestrictRealtime=yes", "sched-fifo");
        Assert.Equal(Errno(EPERM), p["sched-fifo"]);
    }

    // systemd.exec(5), RestrictSUIDSGID=: "any attempts to set the set-user-ID (SUID) or set-group-ID (SGID) bits on files
    // or directories will be denied".
    [RootFact]
    public async Task RestrictSUIDSGID_refuses_chmod_u_plus_s_but_not_a_plain_chmod()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string file = Path.Combine(root.Dir, "f");
        var (p, _) = await ProbeAsync(root, "RestrictSUIDSGID=yes", $"chmod-suid:{file}", $"chmod-plain:{file}");
        Assert.Equal((Errno(EPERM), "0"), (p[$"chmod-suid:{file}"], p[$"chmod-plain:{file}"]));
    }

    // systemd.exec(5), ProtectHostname=: "processes ... cannot change the hostname"; the system-call half (sethostname).
    [RootFact]
    public async Task ProtectHostname_refuses_sethostname_by_filter()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "ProtectHostname=yes", "sethostname");
        Assert.Equal(Errno(EPERM), p["sethostname"]);
    }

    // systemd.exec(5), SystemCallFilter=: "If the first character of the list is "~", ... only the listed system calls
    // will result in immediate process termination"; SystemCallErrorNumber= changes that action; ":errno" per entry wins.
    [RootFact]
    public async Task A_deny_list_returns_its_error_number_and_an_entry_its_own()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, _) = await ProbeAsync(root, "SystemCallFilter=~@debug acct:EACCES\nSystemCallErrorNumber=EUCLEAN",
            Call("ptrace"), Call("acct"), Call("getpid"));
        Assert.Equal((Errno(EUCLEAN), Errno(13), "0"), (p[Call("ptrace")], p[Call("acct")], p[Call("getpid")]));
    }

    // systemd.exec(5), SystemCallFilter=: "all system calls executed by the unit processes except for the listed ones will
    // result in immediate process termination with the SIGSYS signal".
    [RootFact]
    public async Task An_allow_list_kills_the_process_with_SIGSYS_at_the_first_call_outside_it()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (p, start) = await ProbeAsync(root, "SystemCallFilter=@system-service", Call("getpid"), Call("reboot"), Call("getppid"));
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal("0", p[Call("getpid")]);
        Assert.False(p.ContainsKey(Call("reboot")), "the probe went past reboot");
        var shown = Cli.Show(root, LastUnit, "Result", "ExecMainStatus");
        Assert.True(shown["Result"] is "signal" or "core-dump" && shown["ExecMainStatus"] == "31", string.Join(' ', shown));
    }

    // systemd.exec(5), SystemCallFilter=: "If running in user mode, or in system mode, but without the CAP_SYS_ADMIN
    // capability (e.g. setting User=), NoNewPrivileges=yes is implied."
    [RootFact]
    public async Task A_filter_implies_no_new_privs_only_without_CAP_SYS_ADMIN()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var (asRoot, _) = await ProbeAsync(root, "RestrictRealtime=yes", "status");
        Assert.Equal(("2", "0"), (asRoot["Seccomp"], asRoot["NoNewPrivs"]));
        var (asNobody, _) = await ProbeAsync(root, "RestrictRealtime=yes\nUser=nobody", "status");
        Assert.Equal(("2", "1"), (asNobody["Seccomp"], asNobody["NoNewPrivs"]));
    }

    // systemd.exec(5), SystemCallArchitectures=native: "processes of this unit will only be permitted to call native system
    // calls"; an i386 call (int 0x80) kills the process. Without it, our other filters answer such a call ENOSYS.
    [RootFact]
    public async Task SystemCallArchitectures_native_kills_an_x32_call()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        string x32Getpid = "call:" + (0x40000000 + SyscallNumbers.X8664("getpid")).ToString(CultureInfo.InvariantCulture);
        var (other, _) = await ProbeAsync(root, "RestrictRealtime=yes", x32Getpid);
        Assert.Equal(Errno(ENOSYS), other[x32Getpid]);
        var (native, start) = await ProbeAsync(root, "SystemCallArchitectures=native", Call("getpid"), x32Getpid);
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal("0", native[Call("getpid")]);
        Assert.False(native.ContainsKey(x32Getpid));
        Assert.Equal("31", Cli.ShowOne(root, LastUnit, "ExecMainStatus"));
    }

    /// <summary>One call of each set the package units use, refused by a deny list of that set (EUCLEAN marks the
    /// filter's answer), and one call outside it let through.</summary>
    [RootFact]
    public async Task Each_group_refuses_a_call_of_its_own_and_allows_one_outside_it()
    {
        (string Group, string Inside, string Outside)[] cases =
        [
            ("@privileged", "acct", "getpid"), ("@resources", "setrlimit", "getpid"), ("@mount", "mount", "getpid"),
            ("@clock", "settimeofday", "getpid"), ("@module", "init_module", "getpid"), ("@raw-io", "ioperm", "getpid"),
            ("@reboot", "reboot", "getpid"), ("@swap", "swapon", "getpid"), ("@obsolete", "create_module", "getpid"),
            ("@debug", "ptrace", "getpid"), ("@cpu-emulation", "modify_ldt", "getpid"),
        ];
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        foreach (var (group, inside, outside) in cases)
        {
            var (p, start) = await ProbeAsync(root, $"SystemCallFilter=~{group}\nSystemCallErrorNumber=EUCLEAN", Call(inside), Call(outside));
            Assert.True(p.GetValueOrDefault(Call(inside)) == Errno(EUCLEAN) && p.GetValueOrDefault(Call(outside)) == "0",
                $"{group}: {inside}={p.GetValueOrDefault(Call(inside))} {outside}={p.GetValueOrDefault(Call(outside))} ({string.Join(' ', p)}; {start})");
        }

        // @system-service is an allow list's set: inside passes, outside gets the error number.
        var (s, _) = await ProbeAsync(root, "SystemCallFilter=@system-service\nSystemCallErrorNumber=EUCLEAN", Call("fcntl"), Call("reboot"));
        Assert.Equal((Errno(9), Errno(EUCLEAN)), (s[Call("fcntl")], s[Call("reboot")]));
    }
}
