using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>
/// The protective keys Summon does not apply (Units/UnappliedSandboxKeys.cs): the table's statuses are systemd's, its
/// keys are systemd 252's sandbox keys that no other part honours, each value asks for protection as systemd reads it,
/// and a unit that asks is recorded with a load warning that says what its starts will do.
/// </summary>
public sealed class UnappliedSandboxKeysTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-unapplied-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryRowsStatusIsNamedAsSystemdNamesIt()
    {
        foreach (var row in UnappliedSandboxKeys.All)
            Assert.True(ExitStatusNames.Get(row.Status) == row.StatusName, $"{row.Key}: {row.StatusText} but {row.Status} is {ExitStatusNames.Get(row.Status)}");
    }

    [Fact]
    public void EveryRowIsAnExecKeyOfTheSandboxFamilyThatNoPartHonours()
    {
        foreach (var row in UnappliedSandboxKeys.All)
        {
            Assert.True(KnownKeys.ExecKillResourceControl.ContainsKey(row.Key), row.Key);
            Assert.True(SandboxKeys.Contains(row.Key), row.Key);
            // A part that comes to apply the key deletes its row (one home: honoured or refused, never both).
            Assert.True(!SupportedKeys.IsSupported("Service", row.Key), $"{row.Key}= is honoured now: delete its row");
        }
    }

    [Fact]
    public void TheRowsTheBriefNamesAreThere()
    {
        string[] named =
        [
            "AppArmorProfile", "SELinuxContext", "SmackProcessLabel", "RootImage", "MountImages", "ExtensionImages",
            "ExtensionDirectories", "RestrictFileSystems", "RestrictNetworkInterfaces", "SocketBindDeny", "NetworkNamespacePath",
            "IPCNamespacePath", "IPIngressFilterPath", "IPEgressFilterPath",
        ];
        Assert.All(named, key => Assert.NotNull(UnappliedSandboxKeys.Find(key)));
        Assert.Null(UnappliedSandboxKeys.Find("ProtectSystem"));   // applied (mounts part)
    }

    [Theory]
    [InlineData("AppArmorProfile", "foo", true)]
    [InlineData("AppArmorProfile", "-foo", false)]       // '-': systemd starts without the profile when it cannot change to it
    [InlineData("AppArmorProfile", "", false)]
    [InlineData("SELinuxContext", "system_u:system_r:foo_t:s0", true)]
    [InlineData("SmackProcessLabel", "-label", false)]
    [InlineData("NetworkNamespacePath", "", false)]
    [InlineData("NetworkNamespacePath", "/run/netns/x", true)]
    [InlineData("RestrictFileSystems", "~ext4", true)]
    [InlineData("SocketBindDeny", "", false)]
    [InlineData("ExtensionDirectories", "/srv/extension", true)]
    public void AValueAsksForProtectionAsSystemdReadsIt(string key, string value, bool? asks) =>
        Assert.Equal(asks, UnappliedSandboxKeys.Find(key)!.Asks(value));

    private LoadedUnit Load(string name, string text, params (string Name, string Text)[] dropIns)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        foreach (var (dropIn, body) in dropIns)
        {
            Directory.CreateDirectory(Path.Combine(_dir, name + ".d"));
            File.WriteAllText(Path.Combine(_dir, name + ".d", dropIn), body);
        }
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        return loader.Load(UnitName.Parse(name));
    }

    private static string[] Warnings(LoadedUnit unit) => [.. unit.Diagnostics.Select(d => $"{Path.GetFileName(d.Source)}: {d.Message}")];

    private static string[] Requests(ExecSettings exec) => exec.UnappliedSandbox is { } u ? [.. u.Requests.Select(r => $"{r.Row.Key}={r.Value}")] : [];

    [Fact]
    public void AServiceAskingIsRecordedInStepOrderWithOneWarningPerKeySayingWhatStartsDo()
    {
        var unit = Load("a.service", "[Service]\nExecStart=/bin/true\nAppArmorProfile=foo\nNetworkNamespacePath=/run/netns/x\nAppArmorProfile=bar\n");
        Assert.Equal(["NetworkNamespacePath=/run/netns/x", "AppArmorProfile=bar"], Requests(unit.Service!.Exec));   // the namespace step comes first in systemd
        Assert.Equal(
        [
            "a.service:3: Summon does not support AppArmorProfile= (AppArmor profiles are not changed): every start of this unit fails with 231/APPARMOR unless --sandbox=best-effort or [X-Summon] SandboxFallback=best-effort.",
            "a.service:4: Summon does not support NetworkNamespacePath= (named network namespaces are not joined): every start of this unit fails with 225/NETWORK unless --sandbox=best-effort or [X-Summon] SandboxFallback=best-effort.",
        ], Warnings(unit));
        Assert.All(Warnings(unit), w => Assert.True(SupportedKeys.IsSummonOnly(w)));
    }

    [Fact]
    public void AValueThatAsksNothingKeepsThePlainWarning()
    {
        var unit = Load("a.service", "[Service]\nExecStart=/bin/true\nNetworkNamespacePath=\nAppArmorProfile=-foo\n");
        Assert.Null(unit.Service!.Exec.UnappliedSandbox);
        Assert.Equal(
        [
            "a.service:3: Summon does not support NetworkNamespacePath=, ignoring.",
            "a.service:4: Summon does not support AppArmorProfile=, ignoring.",
        ], Warnings(unit));
    }

    [Fact]
    public void ADropInThatTakesTheRequestBackRewordsTheWarning()
    {
        var unit = Load("a.service", "[Service]\nExecStart=/bin/true\nAppArmorProfile=foo\n", ("unprotected.conf", "[Service]\nAppArmorProfile=\n"));
        Assert.Null(unit.Service!.Exec.UnappliedSandbox);
        Assert.Equal(["a.service:3: Summon does not support AppArmorProfile=, ignoring."], Warnings(unit));
    }

    [Fact]
    public void ADropInThatAsksRewordsThePlainWarning()
    {
        var unit = Load("a.service", "[Service]\nExecStart=/bin/true\nNetworkNamespacePath=\n", ("netns.conf", "[Service]\nNetworkNamespacePath=/run/netns/x\n"));
        Assert.Equal(["NetworkNamespacePath=/run/netns/x"], Requests(unit.Service!.Exec));
        Assert.Single(Warnings(unit));
        Assert.StartsWith("a.service:3: Summon does not support NetworkNamespacePath= (named network namespaces are not joined): every start", Warnings(unit)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ASocketsKeysAreRecordedForItsControlCommands()
    {
        var unit = Load("a.socket", "[Socket]\nListenStream=127.0.0.1:9\nExecStartPre=/bin/true\nSELinuxContext=system_u:system_r:foo_t:s0\n\n[X-Summon]\nSandboxFallback=best-effort\n");
        Assert.Equal(["SELinuxContext=system_u:system_r:foo_t:s0"], Requests(unit.Socket!.Exec));
        Assert.Equal(SandboxFallback.BestEffort, unit.Socket.SandboxFallback);
        Assert.Single(Warnings(unit));
        Assert.Contains("229/SELINUX_CONTEXT", Warnings(unit)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ASocketsDeviceListAndDynamicUserAreRefusedNotIgnored()
    {
        var unit = Load("a.socket", "[Socket]\nListenStream=127.0.0.1:9\nExecStartPre=/bin/true\nDeviceAllow=/dev/null rw\nDynamicUser=yes\n");
        Assert.Equal(["DeviceAllow=/dev/null rw", "DynamicUser=yes"], Requests(unit.Socket!.Exec));
        Assert.Equal(2, Warnings(unit).Length);
        Assert.Contains("219/CGROUP", Warnings(unit)[0], StringComparison.Ordinal);
        Assert.Contains("217/USER", Warnings(unit)[1], StringComparison.Ordinal);
        // A service applies both: nothing is recorded for it.
        Assert.Null(Load("a.service", "[Service]\nExecStart=/bin/true\nDeviceAllow=/dev/null rw\nDynamicUser=yes\n").Service!.Exec.UnappliedSandbox);
    }

    [Theory]
    [InlineData("ProtectSystem")]
    [InlineData("NoNewPrivileges")]
    [InlineData("SystemCallFilter")]
    [InlineData("PrivateTmp")]
    [InlineData("KeyringMode")]
    [InlineData("SecureBits")]
    public void ASocketHonoursTheSandboxKeysAServiceHonours(string key) =>
        Assert.True(SupportedKeys.IsSupported("Socket", key), key);

    [Theory]
    [InlineData("DeviceAllow")]
    [InlineData("DevicePolicy")]
    [InlineData("SocketBindDeny")]
    [InlineData("DynamicUser")]
    public void ASocketDoesNotHonourWhatActsOnTheControlGroupOrWhatNoPartApplies(string key) =>
        Assert.False(SupportedKeys.IsSupported("Socket", key), key);
}
