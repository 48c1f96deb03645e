using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>The privilege keys of the sandbox as systemd 252 reads them: capability sets merged as
/// config_parse_capability_set() merges them, booleans with its warnings, and the keys marked honoured.</summary>
public sealed class PrivilegeSettingsParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-privs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SandboxPrivilegeSettings Privileges, string[] Warnings) Load(string lines)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("a.service"));
        return (unit.Service!.Exec.Privileges, [.. unit.Diagnostics.Select(d => d.Message)]);
    }

    [Theory]
    [InlineData("", CapabilityNames.All)]
    [InlineData("CapabilityBoundingSet=CAP_CHOWN cap_kill", 0x21UL)]
    [InlineData("CapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=CAP_KILL", 0x21UL)]   // OR-ed
    [InlineData("CapabilityBoundingSet=CAP_CHOWN CAP_KILL\nCapabilityBoundingSet=~CAP_CHOWN", 0x20UL)]   // AND-ed out
    [InlineData("CapabilityBoundingSet=~CAP_CHOWN", ~1UL)]
    [InlineData("CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=", 0UL)]   // empty: the empty set
    [InlineData("CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~", CapabilityNames.All)]   // "~": the full set
    [InlineData("CapabilityBoundingSet=CAP_KILL 12 CAP_NO_SUCH", 0x1020UL)]   // numbers; unknown names skipped
    public void TheBoundingSetMergesAsSystemdDoes(string lines, ulong expected)
    {
        (SandboxPrivilegeSettings p, string[] warnings) = Load(lines);
        Assert.Empty(warnings);
        Assert.Equal(expected, p.CapabilityBoundingSet);
    }

    [Theory]
    [InlineData("AmbientCapabilities=CAP_NET_RAW\nAmbientCapabilities=CAP_NET_BIND_SERVICE", 0x2400UL)]
    [InlineData("AmbientCapabilities=CAP_NET_RAW CAP_NET_BIND_SERVICE\nAmbientCapabilities=~CAP_NET_RAW", 0x400UL)]
    [InlineData("AmbientCapabilities=CAP_NET_RAW\nAmbientCapabilities=", 0UL)]
    public void TheAmbientSetMergesAsSystemdDoes(string lines, ulong expected)
    {
        Assert.Equal(expected, Load(lines).Privileges.AmbientCapabilities);
    }

    [Fact]
    public void ReadsTheBooleans()
    {
        (SandboxPrivilegeSettings p, string[] warnings) = Load("""
            NoNewPrivileges=yes
            PrivateUsers=true
            PrivateNetwork=1
            PrivateIPC=on
            ProtectHostname=yes
            PrivateDevices=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectClock=yes
            """);
        // The last four act in several steps (UnitSettingsParser.SandboxShared.cs); all are honoured.
        Assert.Empty(warnings);
        Assert.True(p.NoNewPrivileges && p.PrivateUsers && p.PrivateNetwork && p.PrivateIpc && p.ProtectHostname);
        Assert.True(p.PrivateDevices && p.ProtectKernelModules && p.ProtectKernelLogs && p.ProtectClock);
    }

    [Fact]
    public void ABadBooleanIsIgnoredWithSystemdsWarning()
    {
        (SandboxPrivilegeSettings p, string[] warnings) = Load("NoNewPrivileges=maybe");
        Assert.False(p.NoNewPrivileges);
        Assert.Equal(["Failed to parse boolean value, ignoring: maybe"], warnings);
    }

    [Fact]
    public void DynamicUserAndRemoveIpcAreReadAndDynamicUserReachesTheFilters()
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), "[Service]\nExecStart=/bin/true\nDynamicUser=yes\nRemoveIPC=yes\n");
        var unit = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" }).Load(UnitName.Parse("a.service"));
        var exec = unit.Service!.Exec;
        Assert.Empty(unit.Diagnostics);   // honoured: no "Summon does not support" line any more
        Assert.True(exec.Privileges.DynamicUser && exec.Privileges.RemoveIpc && exec.Seccomp.RestrictSuidSgidEffective);
        (SandboxPrivilegeSettings off, string[] warnings) = Load("DynamicUser=yes\nDynamicUser=no\nRemoveIPC=perhaps");
        Assert.False(off.DynamicUser || off.EffectiveRemoveIpc);
        Assert.Equal(["Failed to parse boolean value, ignoring: perhaps"], warnings);
    }

    [Theory]
    [InlineData("DynamicUser")]
    [InlineData("RemoveIPC")]
    [InlineData("CapabilityBoundingSet")]
    [InlineData("AmbientCapabilities")]
    [InlineData("NoNewPrivileges")]
    [InlineData("PrivateUsers")]
    [InlineData("PrivateNetwork")]
    [InlineData("PrivateIPC")]
    [InlineData("ProtectHostname")]
    public void TheKeysAreHonoured(string key) => Assert.True(SupportedKeys.IsSupported("Service", key));
}
