using Summon.Interop;
using Summon.Manager.Exec;
using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager.Exec;

/// <summary>What the child is asked to apply for a unit's privilege settings, per mode and manager.</summary>
public sealed class PrivilegePlanTests
{
    private static SandboxContext Context(SandboxMode mode = SandboxMode.Strict, bool user = false, SandboxEnvironment? env = null) =>
        new(env ?? SandboxEnvironment.Full, mode, user);

    private static readonly SandboxEnvironment NoNamespaces = new() { Seccomp = true, CapSysAdmin = true };

    [Fact]
    public void NothingSetIsNoPlan()
    {
        Assert.Null(PrivilegePlan.Of(new SandboxPrivilegeSettings(), ExecCredentials.None, Context()));
    }

    [Fact]
    public void TheProtectKeysTakeTheirCapabilitiesOut()
    {
        var s = new SandboxPrivilegeSettings { ProtectKernelModules = true, ProtectKernelLogs = true, ProtectClock = true, PrivateDevices = true };
        SandboxPrivileges p = PrivilegePlan.Of(s, ExecCredentials.None, Context())!;
        ulong dropped = (1UL << 16) | (1UL << 34) | (1UL << 25) | (1UL << 35) | (1UL << 27) | (1UL << 17);
        Assert.NotNull(p.BoundingSet);
        Assert.Equal(0UL, p.BoundingSet!.Value & dropped);
        Assert.NotEqual(0UL, p.BoundingSet.Value & (1UL << 21));
        Assert.False(p.UserNamespace);
    }

    [Fact]
    public void DynamicUserImpliesNoNewPrivileges()
    {
        var s = new SandboxPrivilegeSettings { DynamicUser = true };
        Assert.True(s.EffectiveNoNewPrivileges && s.ImpliesProtectSystemStrict && s.ImpliesPrivateTmp && s.EffectiveRemoveIpc);
        Assert.True(PrivilegePlan.Of(s, ExecCredentials.None, Context())!.NoNewPrivileges);
    }

    [Fact]
    public void StrictModeKeepsWhatTheEnvironmentCannotDo()
    {
        var context = Context(SandboxMode.Strict, env: NoNamespaces);
        SandboxPrivileges p = PrivilegePlan.Of(new SandboxPrivilegeSettings { PrivateNetwork = true }, ExecCredentials.None, context)!;
        Assert.True(p.NetworkNamespace);
        Assert.Empty(context.NotApplied);
    }

    [Fact]
    public void BestEffortLeavesOutAndNamesWhatTheEnvironmentCannotDo()
    {
        var context = Context(SandboxMode.BestEffort, env: NoNamespaces);
        var s = new SandboxPrivilegeSettings { PrivateNetwork = true, ProtectHostname = true, NoNewPrivileges = true };
        SandboxPrivileges p = PrivilegePlan.Of(s, ExecCredentials.None, context)!;
        Assert.False(p.NetworkNamespace || p.UtsNamespace);
        Assert.True(p.NoNewPrivileges);
        Assert.Equal(["PrivateNetwork=yes (no network namespace here)", "ProtectHostname=yes (no UTS namespace here)"], context.NotApplied);
    }

    [Fact]
    public void AUserManagerImpliesAUserNamespaceFirstForNamespacesAndTheBoundingSet()
    {
        SandboxPrivileges net = PrivilegePlan.Of(new SandboxPrivilegeSettings { PrivateNetwork = true }, ExecCredentials.None, Context(user: true))!;
        Assert.True(net.UserNamespace && net.UserNamespaceFirst && net.NetworkNamespace);
        SandboxPrivileges bounding = PrivilegePlan.Of(new SandboxPrivilegeSettings { CapabilityBoundingSet = 1 }, ExecCredentials.None, Context(user: true))!;
        Assert.True(bounding.UserNamespace && bounding.UserNamespaceFirst);
        SandboxPrivileges nnp = PrivilegePlan.Of(new SandboxPrivilegeSettings { NoNewPrivileges = true }, ExecCredentials.None, Context(user: true))!;
        Assert.False(nnp.UserNamespace);
    }

    [Fact]
    public void AUserManagerWithoutUserNamespacesNamesEveryKeyItCannotApply()
    {
        var context = Context(SandboxMode.BestEffort, user: true, env: NoNamespaces);
        var s = new SandboxPrivilegeSettings { PrivateNetwork = true, CapabilityBoundingSet = 1, NoNewPrivileges = true };
        SandboxPrivileges p = PrivilegePlan.Of(s, ExecCredentials.None, context)!;
        Assert.False(p.UserNamespace || p.NetworkNamespace);
        Assert.Null(p.BoundingSet);
        Assert.True(p.NoNewPrivileges);
        Assert.Equal(3, context.NotApplied.Count);
    }

    [Fact]
    public unsafe void TheNativeBlockHasTheLibrarysLayout()
    {
        if (!ProcessSpawner.InProcessAvailable)
            return;
        Assert.Equal((nuint)sizeof(SummonSpawn.Privileges), SummonSpawn.PrivilegesSize());
    }
}
