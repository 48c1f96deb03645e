using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Secure by default (issue 14): in an environment without CAP_SYS_ADMIN (capsh --drop=cap_sys_admin around the
/// daemon) no mount namespace can be made. A unit asking for ProtectSystem=strict then fails its start with
/// 226/NAMESPACE and systemd's lines; with --sandbox=best-effort (or [X-Summon] SandboxFallback=best-effort) it starts
/// and the journal names what was not applied, once per start.
/// </summary>
public sealed class SandboxPolicyTests
{
    private const string Service = "guarded.service";
    private const string Unit = "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\nProtectSystem=strict\n";

    [NeedsMountsFact]
    public async Task Without_CAP_SYS_ADMIN_a_unit_asking_for_ProtectSystem_fails_with_226_NAMESPACE()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, Unit);
        using DaemonProcess daemon = await StartWithoutSysAdminAsync(root);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal("226", Cli.ShowOne(root, Service, "ExecMainStatus"));
        string journal = Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut;
        Assert.Contains("Failed to set up mount namespacing: Operation not permitted", journal, StringComparison.Ordinal);
        Assert.Contains("Failed at step NAMESPACE spawning /bin/true: Operation not permitted", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox downgraded", journal, StringComparison.Ordinal);
    }

    [NeedsMountsTheory]
    [InlineData("--sandbox=best-effort", "")]
    [InlineData("", "\n[X-Summon]\nSandboxFallback=best-effort\n")]
    public async Task Best_effort_starts_and_names_what_was_not_applied_once_per_start(string option, string summonSection)
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, Unit + summonSection);
        using DaemonProcess daemon = await StartWithoutSysAdminAsync(root, option);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("active", Cli.IsActive(root, Service));
        string[] downgrades = [.. Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOutLines
            .Where(l => l.Contains("sandbox downgraded (best-effort): ", StringComparison.Ordinal))];
        Assert.Single(downgrades);
        Assert.Contains("ProtectSystem=strict", downgrades[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_sandbox_mode_is_one_line_and_exit_1()
    {
        using var root = new TempRoot();
        CommandResult result = Cli.Run(root, "daemon", "--sandbox=lenient");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Invalid --sandbox= value 'lenient': use strict or best-effort."], result.StdErrLines);
    }

    private static Task<DaemonProcess> StartWithoutSysAdminAsync(TempRoot root, string option = "") =>
        DaemonProcess.StartAsync(root, "capsh",
            ["--drop=cap_sys_admin", "--", "-c", $"exec {SummonBinary.Path} daemon {option}"], waitReady: true);
}

/// <summary>
/// Skipped while Summon does not apply ProtectSystem= (the mounts part of issue 14 marks it honoured in
/// SupportedKeys; then these tests run by themselves), or when capsh (libcap2-bin) is missing.
/// </summary>
public sealed class NeedsMountsFactAttribute : FactAttribute
{
    public NeedsMountsFactAttribute() => Skip = NeedsMounts.Reason();
}

/// <inheritdoc cref="NeedsMountsFactAttribute"/>
public sealed class NeedsMountsTheoryAttribute : TheoryAttribute
{
    public NeedsMountsTheoryAttribute() => Skip = NeedsMounts.Reason();
}

internal static class NeedsMounts
{
    public static string? Reason() =>
        Summon.Units.SupportedKeys.Unsupported("Service", "ProtectSystem", "strict") is not null
            ? "ProtectSystem= is not applied yet (issue 14's mounts part): nothing to fail or downgrade."
            : !File.Exists("/usr/sbin/capsh") && !File.Exists("/sbin/capsh")
                ? "capsh (libcap2-bin) is not installed."
                : null;
}
