using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// summon analyze security against systemd-analyze security --offline=yes (systemd 252) on the same unit files:
/// with --as-written both score the file as systemd applies it, and the table (marks, names, descriptions,
/// exposures, order) and the overall line must be identical. Without --as-written Summon scores what it applies here.
/// </summary>
public sealed class AnalyzeSecurityTests
{
    // One unit per shape of each check: nothing, everything, and each key's values that change its badness.
    public static readonly TheoryData<string> Units = new()
    {
        "",
        "User=daemon\nSupplementaryGroups=\nRemoveIPC=yes\nCapabilityBoundingSet=\nNoNewPrivileges=yes\nPrivateDevices=yes\nProtectClock=yes\n" +
        "ProtectKernelLogs=yes\nProtectControlGroups=yes\nProtectKernelModules=yes\nPrivateMounts=yes\nSystemCallArchitectures=native\n" +
        "MemoryDenyWriteExecute=yes\nRestrictNamespaces=yes\nRestrictSUIDSGID=yes\nProtectHostname=yes\nLockPersonality=yes\n" +
        "ProtectKernelTunables=yes\nRestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=~AF_UNIX\nRestrictRealtime=yes\nDeviceAllow=\n" +
        "DevicePolicy=closed\nProtectSystem=strict\nProtectProc=invisible\nProcSubset=pid\nProtectHome=yes\nPrivateNetwork=yes\nPrivateUsers=yes\n" +
        "PrivateTmp=yes\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nIPAddressDeny=any\nUMask=0077\nRootDirectory=/",
        "PrivateDevices=yes", "ProtectClock=yes", "DynamicUser=yes", "DeviceAllow=/dev/null rw",
        "SystemCallFilter=~@privileged @clock", "SystemCallFilter=@system-service",
        "IPAddressDeny=any\nIPAddressAllow=localhost", "IPAddressDeny=any\nIPAddressAllow=10.0.0.0/8",
        "RestrictNamespaces=~user", "RestrictNamespaces=net ipc", "User=nobody", "UMask=0027", "UMask=0002",
        "SystemCallArchitectures=native x86", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "CapabilityBoundingSet=~CAP_SYS_ADMIN CAP_SYS_PTRACE", "AmbientCapabilities=CAP_NET_RAW",
        "RestrictAddressFamilies=AF_INET AF_INET6", "RestrictAddressFamilies=~AF_PACKET AF_NETLINK", "RestrictAddressFamilies=none",
        "ProtectHome=read-only\nProtectSystem=full", "ProtectHome=tmpfs\nProtectSystem=yes", "ProtectProc=noaccess\nProcSubset=pid",
        "KeyringMode=shared\nNotifyAccess=all\nDelegate=yes", "User=app\nSupplementaryGroups=wheel", "RootDirectory=/srv/root",
        "DevicePolicy=closed\nDeviceAllow=/dev/null rw\nDeviceAllow=/dev/zero\nProtectClock=yes",
        "DefaultDependencies=no\nPrivateTmp=yes\nProtectSystem=strict",
    };

    [OracleTheory]
    [MemberData(nameof(Units))]
    public void AsWrittenTheTableIsSystemds(string lines)
    {
        using var root = new TempRoot();
        string file = Path.Combine(root.Dir, "probe.service");
        string unit = lines.StartsWith("DefaultDependencies=", StringComparison.Ordinal)
            ? $"[Unit]\n{lines.Split('\n')[0]}\n\n[Service]\nExecStart=/bin/true\n{string.Join('\n', lines.Split('\n').Skip(1))}\n"
            : $"[Unit]\nDescription=probe\n\n[Service]\nExecStart=/bin/true\n{lines}\n";
        File.WriteAllText(file, unit);

        CommandResult oracle = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["security", "--offline=yes", file], root.Environment);
        CommandResult ours = Command.Run(SummonBinary.Path, ["analyze", "security", "--as-written", file], root.Environment);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(Trimmed(oracle.StdOutLines), Trimmed(ours.StdOutLines));
    }

    [OracleFact]
    public void TheMultiCallNameAnswersLikeTheVerb()
    {
        using var root = new TempRoot();
        root.WriteUnit("web.service", "[Service]\nExecStart=/bin/true\nUser=daemon\nUMask=0077\n");
        CommandResult verb = Command.Run(SummonBinary.Path, ["analyze", "security", "web.service"], root.Environment);
        string link = Path.Combine(root.Dir, "systemd-analyze");
        File.CreateSymbolicLink(link, SummonBinary.Path);
        CommandResult multiCall = Command.Run(link, ["security", "web.service"], root.Environment);
        Assert.Equal(0, verb.ExitCode);
        Assert.Equal(verb.StdOut, multiCall.StdOut);
        Assert.Contains("→ Overall exposure level for web.service: ", verb.StdOut, StringComparison.Ordinal);
    }

    /// <summary>A key Summon does not apply counts as not set: scored here, the unit is as exposed as one without it.</summary>
    [OracleFact]
    public void KeysSummonDoesNotApplyCountAsNotSet()
    {
        using var root = new TempRoot();
        root.WriteUnit("plain.service", "[Service]\nExecStart=/bin/true\n");
        root.WriteUnit("asks.service", "[Service]\nExecStart=/bin/true\nProtectSystem=strict\nSystemCallFilter=@system-service\n");
        string Overall(string unit, params string[] extra) =>
            Command.Run(SummonBinary.Path, ["analyze", "security", .. extra, unit], root.Environment).StdOutLines.Last();

        bool protectSystemApplied = Cli.Run(root, "verify", Path.Combine(root.UnitDir, "asks.service")).StdErr
            .Contains("does not support ProtectSystem=", StringComparison.Ordinal) is false;
        Assert.NotEqual(Overall("plain.service").Replace("plain", "asks"), Overall("asks.service", "--as-written"));
        if (!protectSystemApplied)
            Assert.Equal(Overall("plain.service").Replace("plain", "asks"), Overall("asks.service"));
    }

    [Fact]
    public void WithoutAUnitEachServiceGetsALine()
    {
        using var root = new TempRoot();
        root.WriteUnit("a.service", "[Service]\nExecStart=/bin/true\n");
        root.WriteUnit("b.service", "[Service]\nExecStart=/bin/true\nUser=daemon\nUMask=0077\n");
        root.WriteUnit("c@.service", "[Service]\nExecStart=/bin/true\n");
        CommandResult result = Command.Run(SummonBinary.Path, ["analyze", "security"], root.Environment);
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.StdOutLines;
        Assert.Equal(["UNIT", "EXPOSURE", "PREDICATE", "HAPPY"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["a.service", "9.6", "UNSAFE"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]);
        Assert.StartsWith("b.service", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    private static string[] Trimmed(string[] lines) => [.. lines.Select(l => l.TrimEnd())];
}
