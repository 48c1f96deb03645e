using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Condition*=, Assert*= and ExecCondition= through the published binary: a skipped start (start exits 0, the unit
/// inactive, systemd's journal line and status's Condition: line), a failed assert, ExecCondition= skipping and
/// failing; and `analyze condition` against systemd-analyze 252's on this machine, kind by kind.
/// </summary>
public sealed class ConditionTests
{
    /// <summary>Every kind with facts this machine has for both tools (pressure averages move, so they are left out).</summary>
    private static readonly string[] s_kinds =
    [
        "PathExists=/etc",
        "PathExists=!/etc",
        "PathExists=/nonexistent",
        "PathExists=|/nonexistent",
        "PathExistsGlob=/et*",
        "PathExistsGlob=/etc/*.conf",
        "PathExistsGlob=/nope*/x",
        "PathIsDirectory=/etc",
        "PathIsDirectory=/etc/hostname",
        "PathIsSymbolicLink=/bin",
        "PathIsSymbolicLink=/etc",
        "PathIsMountPoint=/proc",
        "PathIsMountPoint=/",
        "PathIsMountPoint=/etc",
        "PathIsMountPoint=/sys/fs/cgroup",
        "PathIsMountPoint=/etc/hostname",
        "PathIsReadWrite=/",
        "PathIsReadWrite=/proc/sys",
        "PathIsReadWrite=/sys",
        "PathIsReadWrite=/nonexistent",
        "PathIsEncrypted=/",
        "DirectoryNotEmpty=/etc",
        "DirectoryNotEmpty=/nonexistent",
        "DirectoryNotEmpty=/etc/hostname",
        "FileNotEmpty=/etc/hostname",
        "FileNotEmpty=/etc",
        "FileNotEmpty=/dev/null",
        "FileIsExecutable=/bin/sh",
        "FileIsExecutable=/etc/hostname",
        "NeedsUpdate=/etc",
        "NeedsUpdate=/var",
        "FirstBoot=yes",
        "FirstBoot=no",
        "FirstBoot=maybe",
        "Architecture=native",
        "Architecture=x86-64",
        "Architecture=arm64",
        "Architecture=bogus",
        "Firmware=uefi",
        "Firmware=device-tree",
        "Firmware=device-tree-compatible(foo)",
        "Firmware=bogus",
        "Virtualization=yes",
        "Virtualization=no",
        "Virtualization=container",
        "Virtualization=vm",
        "Virtualization=docker",
        "Virtualization=kvm",
        "Virtualization=private-users",
        "Host=%H",
        "Host=%m",
        "Host=VM",
        "Host=v?",
        "Host=nothere",
        "Host=!nothere",
        "Host=00000000000000000000000000000000",
        "KernelCommandLine=--auth-required",
        "KernelCommandLine=quiet",
        "KernelCommandLine=--addr=0.0.0.0:2024",
        "KernelCommandLine=--addr",
        "KernelVersion=>=5",
        "KernelVersion=<5",
        "KernelVersion=6.*",
        "KernelVersion=>= 6.1",
        "KernelVersion=>=6.1 <7",
        "KernelVersion=>=6.1 < 7",
        "KernelVersion=!=6.18",
        "KernelVersion==%v",
        "KernelVersion=bad op",
        "Credential=foo",
        "Credential=a/b",
        "Security=selinux",
        "Security=apparmor",
        "Security=smack",
        "Security=audit",
        "Security=ima",
        "Security=tomoyo",
        "Security=uefi-secureboot",
        "Security=tpm2",
        "Security=bogus",
        "Capability=CAP_SYS_ADMIN",
        "Capability=cap_net_raw",
        "Capability=21",
        "Capability=63",
        "Capability=CAP_BOGUS",
        "ACPower=true",
        "ACPower=false",
        "ACPower=maybe",
        "Memory=>1G",
        "Memory=<1G",
        "Memory=1K",
        "Memory=>=zz",
        "Memory=<=1E",
        "CPUs=>1",
        "CPUs=2",
        "CPUs=<2",
        "CPUs=!=2",
        "CPUs=x",
        "CPUs=>=100",
        "Environment=PATH",
        "Environment=NOPE_NOT_SET",
        "Environment=HOME=/root",
        "Environment=HOME=/nope",
        "Environment=PAT",
        "CPUFeature=sse2",
        "CPUFeature=avx2",
        "CPUFeature=rdrand",
        "CPUFeature=bogus",
        "CPUFeature=lm",
        "OSRelease=ID=debian",
        "OSRelease=ID!=debian",
        "OSRelease=VERSION_ID>=11",
        "OSRelease=VERSION_ID<11",
        "OSRelease=ID=debian VERSION_ID=12",
        "OSRelease=NOPE=x",
        "OSRelease=ID = debian",
        "OSRelease=1D=x",
        "OSRelease=ID",
        "User=root",
        "User=0",
        "User=@system",
        "User=nobody",
        "User=nosuchuser",
        "User=1000",
        "Group=root",
        "Group=0",
        "Group=nogroup",
        "Group=nosuchgroup",
        "Group=@system",
        "ControlGroupController=v1",
        "ControlGroupController=v2",
        "ControlGroupController=memory",
        "ControlGroupController=cpu memory",
        "ControlGroupController=cpuset",
        "ControlGroupController=io",
        "ControlGroupController=blkio",
        "ControlGroupController=pids devices",
        "ControlGroupController=bpf-firewall",
        "ControlGroupController=bogus",
    ];

    [OracleFact]
    public void Analyze_condition_agrees_with_systemd_analyze_on_every_kind_as_triggers_and_negated()
    {
        // As triggers every entry is tested and printed (a failing trigger does not stop the list): one run per tool.
        foreach (string prefix in (string[])["|", "|!"])
        {
            string[] expressions = [.. s_kinds.Select(k => "Condition" + k[..(k.IndexOf('=') + 1)] + prefix + k[(k.IndexOf('=') + 1)..])];
            AssertSame(expressions);
        }
    }

    [OracleFact]
    public void Analyze_condition_agrees_with_systemd_analyze_on_combinations_asserts_and_bad_input()
    {
        string[][] cases =
        [
            ["ConditionPathExists=/etc", "ConditionPathExists=/nonexistent"],
            ["ConditionPathExists=/nonexistent", "ConditionPathExists=/etc"],
            ["ConditionPathExists=|/etc", "ConditionPathExists=/nonexistent", "ConditionPathExists=|/nonexistent2"],
            ["ConditionPathExists=|/nonexistent", "ConditionHost=|!nothere", "ConditionUser=root"],
            ["AssertPathExists=!/etc", "ConditionPathExists=/etc"],
            ["AssertPathExists=/etc", "AssertHost=| nothere", "AssertHost=|%H"],
            ["ConditionPathExists=/nonexistent", "ConditionPathExists="],
            ["AssertPathExists=/nonexistent", "ConditionPathExists="],
            ["ConditionPathExists=relative", "ConditionPathExists=/a/../b", "ConditionHost=%z", "ConditionPathExists=/etc"],
            ["ConditionHost=| !x", "ConditionHost=|", "ConditionHost=!"],
            ["ConditionPathExists =/etc"],
            ["Foo=bar"],
            ["  ConditionPathExists=/etc"],
            ["ConditionKernelVersion=>=5 <100", "ConditionCPUs=>=1 "],
            [],
        ];
        foreach (string[] expressions in cases)
            AssertSame(expressions);
    }

    private static void AssertSame(string[] expressions)
    {
        CommandResult oracle = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["condition", .. expressions]);
        CommandResult ours = Command.Run(SummonBinary.Path, ["analyze", "condition", .. expressions]);
        string what = string.Join(' ', expressions);
        Assert.True(oracle.StdErr == ours.StdErr, $"{what}\n--- systemd-analyze:\n{oracle.StdErr}--- summon:\n{ours.StdErr}");
        Assert.True(oracle.ExitCode == ours.ExitCode, $"{what}: exit {oracle.ExitCode} vs {ours.ExitCode}");
        Assert.Equal(oracle.StdOut, ours.StdOut);
    }

    [Fact]
    public async Task A_failed_condition_skips_the_start_start_exits_0_and_status_says_why()
    {
        using var root = new TempRoot();
        string missing = Path.Combine(root.Dir, "missing");
        root.WriteUnit("cond.service", $"[Unit]\nDescription=Conditional demo\nConditionPathExists={missing}\nConditionPathExists=|/etc\n[Service]\nExecStart=/bin/sleep 60\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "cond.service");
        Assert.True(start is { ExitCode: 0, StdErr: "" }, start.ToString());
        Assert.Equal("inactive", Cli.IsActive(root, "cond.service"));
        var show = Cli.Show(root, "cond.service", "ConditionResult", "AssertResult", "SubState", "MainPID");
        Assert.Equal(("no", "no", "dead", "0"), (show["ConditionResult"], show["AssertResult"], show["SubState"], show["MainPID"]));

        CommandResult status = StatusText.Of(root, "cond.service");
        Assert.Equal(3, status.ExitCode);
        Assert.StartsWith("start condition failed at ", StatusText.Field(status, "Condition"));
        Assert.Contains($"             └─ ConditionPathExists={missing} was not met", status.StdOutLines);
        Assert.Contains(
            JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "cond.service", "--no-pager").StdOut),
            l => l.Message == "Condition check resulted in cond.service - Conditional demo being skipped.");

        // Once the condition holds the same unit starts.
        File.WriteAllText(missing, "");
        Assert.Equal(0, Cli.Run(root, "start", "cond.service").ExitCode);
        Assert.Equal("active", Cli.IsActive(root, "cond.service"));
        Assert.Equal("(no Condition line)", StatusText.Field(StatusText.Of(root, "cond.service"), "Condition"));
        Assert.Equal(0, Cli.Run(root, "stop", "cond.service").ExitCode);
    }

    [Fact]
    public async Task A_failed_assert_fails_the_start_job_with_systemctls_message()
    {
        using var root = new TempRoot();
        root.WriteUnit("assert.service", $"[Unit]\nAssertPathExists={root.Dir}/missing\n[Service]\nExecStart=/bin/sleep 60\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "assert.service");
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal("Assertion failed on job for assert.service.\n", start.StdErr);
        Assert.Equal("inactive", Cli.IsActive(root, "assert.service"));
        CommandResult status = StatusText.Of(root, "assert.service");
        Assert.StartsWith("start assertion failed at ", StatusText.Field(status, "Assert"));
        Assert.Contains($"             AssertPathExists={root.Dir}/missing was not met", status.StdOutLines);
        Assert.Contains(
            JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "assert.service", "--no-pager").StdOut),
            l => l.Message == "Assertion failed for assert.service.");
    }

    [Fact]
    public async Task ExecCondition_exit_1_skips_and_exit_255_fails()
    {
        using var root = new TempRoot();
        root.WriteUnit("skip.service", "[Service]\nExecCondition=/bin/sh -c 'exit 1'\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("fail.service", "[Service]\nExecCondition=/bin/sh -c 'exit 255'\nExecStart=/bin/sleep 60\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult skip = Cli.Run(root, "start", "skip.service");
        Assert.True(skip is { ExitCode: 0, StdErr: "" }, skip.ToString());
        var show = Cli.Show(root, "skip.service", "ActiveState", "Result", "ConditionResult");
        Assert.Equal(("inactive", "exec-condition", "no"), (show["ActiveState"], show["Result"], show["ConditionResult"]));
        var lines = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", "skip.service", "--no-pager").StdOut).Select(l => l.Message).ToList();
        Assert.Contains("skip.service: Skipped due to 'exec-condition'.", lines);
        Assert.Contains("Condition check resulted in skip.service being skipped.", lines);

        CommandResult fail = Cli.Run(root, "start", "fail.service");
        Assert.True(fail.ExitCode == 1, fail.ToString());
        Assert.StartsWith("Job for fail.service failed because the control process exited with error code.", fail.StdErr);
        Assert.Equal("failed", Cli.IsActive(root, "fail.service"));
    }
}
