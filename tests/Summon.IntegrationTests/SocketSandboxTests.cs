using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The sandbox keys of a [Socket] (systemd.socket(5): the exec settings of a socket apply to its ExecStartPre=,
/// ExecStartPost=, ExecStopPre= and ExecStopPost= commands): the control commands get the same file-system view,
/// privileges and refusals as a service's commands, a '+' command runs outside them, and the socket honours the keys
/// at load rather than warning that it ignores them. The probe is tests/Programs/sandbox-probe.
/// </summary>
public sealed class SocketSandboxTests
{
    private const string Socket = "probe.socket";

    private static string SocketUnit(int port, string settings, string summonSection = "") =>
        $"[Socket]\nListenStream=127.0.0.1:{port}\n{settings}\n{summonSection}";

    [RootFact]
    public async Task The_sockets_ExecStartPre_runs_under_ProtectSystem_strict_and_NoNewPrivileges_and_a_plus_one_outside()
    {
        using var root = new TempRoot();
        string sandboxed = Path.Combine(root.Dir, "sandboxed.report"), plus = Path.Combine(root.Dir, "plus.report");
        root.WriteUnit("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        string unit = root.WriteUnit(Socket, SocketUnit(FreePort.Tcp(), $"""
            ProtectSystem=strict
            NoNewPrivileges=yes
            ReadWritePaths={root.Dir}
            ExecStartPre={TestPrograms.SandboxProbe} -o {sandboxed}
            ExecStartPre=+{TestPrograms.SandboxProbe} -o {plus}
            """));
        CommandResult verify = Cli.Run(root, "verify", unit);
        Assert.DoesNotContain("does not support", verify.StdErr + verify.StdOut, StringComparison.Ordinal);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Socket);
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        Assert.Equal("active", Cli.IsActive(root, Socket));
        var inside = await SandboxProbeReport.FromFileAsync(sandboxed);
        // systemd.exec(5) ProtectSystem=strict: "the entire file system hierarchy is mounted read-only, except for
        // the API file system subtrees /dev/, /proc/ and /sys/"; NoNewPrivileges=: PR_SET_NO_NEW_PRIVS.
        Assert.True((inside["write_usr"], inside["write_etc"], inside["no_new_privs"]) == ("EROFS", "EROFS", "1"), inside.Text);
        // '+': "the process is executed with full privileges ... file system namespacing ... not applied".
        var outside = await SandboxProbeReport.FromFileAsync(plus);
        Assert.True((outside["write_usr"], outside["write_etc"], outside["no_new_privs"]) == ("ok", "ok", "0"), outside.Text);
    }

    [Fact]
    public async Task A_socket_asking_for_a_key_Summon_cannot_apply_fails_its_start_in_strict_mode()
    {
        using var root = new TempRoot();
        root.WriteUnit("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit(Socket, SocketUnit(FreePort.Tcp(), "AppArmorProfile=foo\nExecStartPre=/bin/true"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.NotEqual(0, Cli.Run(root, "start", Socket).ExitCode);
        Assert.Equal("failed", Cli.IsActive(root, Socket));
        Assert.Equal("exit-code", Cli.ShowOne(root, Socket, "Result"));
        string journal = Cli.Run(root, "journal", "-u", Socket, "--no-pager").StdOut;
        Assert.Contains("Cannot apply AppArmorProfile=foo (AppArmor profiles are not changed): the sandbox is strict", journal, StringComparison.Ordinal);
        Assert.Contains("Failed at step APPARMOR spawning /bin/true: Operation not supported", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sockets_device_list_fails_its_commands_with_219_CGROUP_rather_than_run_them_unrestricted()
    {
        using var root = new TempRoot();
        root.WriteUnit("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit(Socket, SocketUnit(FreePort.Tcp(), "DevicePolicy=closed\nExecStartPre=/bin/true"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.NotEqual(0, Cli.Run(root, "start", Socket).ExitCode);
        Assert.Equal("failed", Cli.IsActive(root, Socket));
        string journal = Cli.Run(root, "journal", "-u", Socket, "--no-pager").StdOut;
        Assert.Contains("Cannot apply DevicePolicy=closed (a socket's commands run in no control group of their own): the sandbox is strict", journal, StringComparison.Ordinal);
        Assert.Contains("Failed at step CGROUP spawning /bin/true", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sockets_own_SandboxFallback_best_effort_starts_it_and_names_the_key()
    {
        using var root = new TempRoot();
        root.WriteUnit("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit(Socket, SocketUnit(FreePort.Tcp(), "AppArmorProfile=foo\nExecStartPre=/bin/true", "[X-Summon]\nSandboxFallback=best-effort\n"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Socket);
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        Assert.Equal("active", Cli.IsActive(root, Socket));
        string[] downgrades = [.. Cli.Run(root, "journal", "-u", Socket, "--no-pager").StdOutLines
            .Where(l => l.Contains("sandbox downgraded (best-effort): AppArmorProfile=foo", StringComparison.Ordinal))];
        Assert.Single(downgrades);
    }

    [NeedsMountsFact]
    public async Task Without_CAP_SYS_ADMIN_a_socket_asking_for_ProtectSystem_fails_with_226_NAMESPACE()
    {
        using var root = new TempRoot();
        root.WriteUnit("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit(Socket, SocketUnit(FreePort.Tcp(), "ProtectSystem=strict\nExecStartPre=/bin/true"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "capsh",
            ["--drop=cap_sys_admin", "--", "-c", $"exec {SummonBinary.Path} daemon"], waitReady: true);

        Assert.NotEqual(0, Cli.Run(root, "start", Socket).ExitCode);
        Assert.Equal("failed", Cli.IsActive(root, Socket));
        string journal = Cli.Run(root, "journal", "-u", Socket, "--no-pager").StdOut;
        Assert.Contains("Failed to set up mount namespacing: Operation not permitted", journal, StringComparison.Ordinal);
        Assert.Contains("Failed at step NAMESPACE spawning /bin/true: Operation not permitted", journal, StringComparison.Ordinal);
    }
}
