using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Secure by default for the protective keys Summon cannot apply (Units/UnappliedSandboxKeys.cs), with the real
/// manager: a unit that asks for one fails each start under the default --sandbox=strict with the status of the step
/// systemd applies it in (one test per status family) and a journal line naming the key, then the step; under
/// best-effort it starts and the downgrade line names the key. Against a manager that only warned at load, each strict
/// test fails: the unit started without the protection.
/// </summary>
public sealed class SandboxRefusalTests
{
    private const string Service = "guarded.service";

    private static string Unit(string settings, string summonSection = "") =>
        $"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n{settings}\n{summonSection}";

    /// <summary>Starts <see cref="Service"/> asking for <paramref name="setting"/> and checks the refusal.</summary>
    private static async Task RefusedAsync(string setting, string status, string step)
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, Unit(setting));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Equal("failed", Cli.IsActive(root, Service));
        Assert.Equal(status, Cli.ShowOne(root, Service, "ExecMainStatus"));
        string journal = Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut;
        Assert.Contains($"Cannot apply {setting} (", journal, StringComparison.Ordinal);
        Assert.Contains($"Failed at step {step} spawning /bin/true: Operation not supported", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox downgraded", journal, StringComparison.Ordinal);
    }

    [Fact]
    public Task AppArmorProfile_fails_with_231_APPARMOR() => RefusedAsync("AppArmorProfile=foo", "231", "APPARMOR");

    [Fact]
    public Task SELinuxContext_fails_with_229_SELINUX_CONTEXT() => RefusedAsync("SELinuxContext=system_u:system_r:foo_t:s0", "229", "SELINUX_CONTEXT");

    [Fact]
    public Task SmackProcessLabel_fails_with_236_SMACK_PROCESS_LABEL() => RefusedAsync("SmackProcessLabel=foo", "236", "SMACK_PROCESS_LABEL");

    [Fact]
    public Task NetworkNamespacePath_fails_with_225_NETWORK() => RefusedAsync("NetworkNamespacePath=/run/netns/foo", "225", "NETWORK");

    [Fact]
    public Task ExtensionDirectories_fails_with_226_NAMESPACE() => RefusedAsync("ExtensionDirectories=/srv/extension", "226", "NAMESPACE");

    [Fact]
    public Task RestrictFileSystems_fails_with_244_BPF() => RefusedAsync("RestrictFileSystems=ext4 tmpfs", "244", "BPF");

    [Theory]
    [InlineData("--sandbox=best-effort", "")]
    [InlineData("", "[X-Summon]\nSandboxFallback=best-effort\n")]
    public async Task Best_effort_starts_and_the_downgrade_line_names_the_key(string option, string summonSection)
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, Unit("AppArmorProfile=foo\nRestrictFileSystems=ext4", summonSection));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, option.Length == 0 ? ["daemon"] : ["daemon", option], waitReady: true);

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        Assert.Equal("active", Cli.IsActive(root, Service));
        string[] downgrades = [.. Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOutLines
            .Where(l => l.Contains("sandbox downgraded (best-effort): ", StringComparison.Ordinal))];
        Assert.Single(downgrades);
        Assert.Contains("RestrictFileSystems=ext4 (", downgrades[0], StringComparison.Ordinal);
        Assert.Contains("AppArmorProfile=foo (AppArmor profiles are not changed)", downgrades[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dash_label_starts_without_the_label_as_systemd_does()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, Unit("AppArmorProfile=-foo"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.Equal("active", Cli.IsActive(root, Service));
        Assert.DoesNotContain("sandbox downgraded", Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plus_command_runs_outside_the_labels_while_the_main_process_is_refused()
    {
        using var root = new TempRoot();
        string ran = Path.Combine(root.Dir, "pre-ran");
        root.WriteUnit(Service, Unit($"AppArmorProfile=foo\nExecStartPre=+/bin/touch {ran}"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.NotEqual(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.True(File.Exists(ran), "the '+' ExecStartPre= did not run");
        Assert.Equal("231", Cli.ShowOne(root, Service, "ExecMainStatus"));
    }

    [Fact]
    public async Task Verify_succeeds_and_the_warning_says_what_starts_will_do()
    {
        using var root = new TempRoot();
        string unit = root.WriteUnit(Service, Unit("AppArmorProfile=foo"));

        CommandResult verify = Cli.Run(root, "verify", unit);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains(
            $"{unit}:5: Summon does not support AppArmorProfile= (AppArmor profiles are not changed): every start of this unit fails with 231/APPARMOR unless --sandbox=best-effort or [X-Summon] SandboxFallback=best-effort.",
            verify.StdErrLines);
    }

    [Fact]
    public void Compatibility_md_lists_every_unapplied_key_with_its_status()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "compatibility.md"));
        int start = doc.IndexOf("### Protective keys Summon does not apply", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/compatibility.md has no section on the protective keys Summon does not apply");
        string[] rows = [.. doc[start..].Split('\n').TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Where(l => l.StartsWith("| `", StringComparison.Ordinal))];
        foreach (var key in Summon.Units.UnappliedSandboxKeys.All)
            Assert.True(rows.Any(r => r.Contains($"`{key.Key}=", StringComparison.Ordinal) && r.Contains($"| {key.StatusText} |", StringComparison.Ordinal)),
                $"docs/compatibility.md: no row names {key.Key}= with {key.StatusText}");
    }
}
