using Summon.Manager.Exec;
using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager.Exec;

/// <summary>What a command does with the protective keys Summon cannot apply: refuse in strict mode with the first
/// key's status, name them all under best-effort, and spare a '+' command all but the control-group-wide ones.</summary>
public sealed class UnappliedSandboxPlanTests
{
    private static ExecSettings Asking(params (string Key, string Value)[] settings)
    {
        var exec = new ExecSettings();
        foreach (var (key, value) in settings)
            (exec.UnappliedSandbox ??= new()).Set(UnappliedSandboxKeys.Find(key)!, value);
        return exec;
    }

    private static SandboxContext Context(SandboxMode mode) => new(SandboxEnvironment.Full, mode, userManager: false);

    [Fact]
    public void AUnitAskingNothingConcernsNoCommand() =>
        Assert.False(UnappliedSandboxPlan.Concerns(new ExecSettings(), fullyPrivileged: false));

    [Fact]
    public void StrictRefusesWithTheStatusOfTheFirstStepAndALineNamingTheKey()
    {
        var exec = Asking(("AppArmorProfile", "foo"), ("NetworkNamespacePath", "/run/netns/x"));
        var e = Assert.Throws<SpawnException>(() => UnappliedSandboxPlan.Apply(exec, false, Context(SandboxMode.Strict), "/bin/true"));
        Assert.Equal(225, e.ExitStatus);
        Assert.Equal("Failed at step NETWORK spawning /bin/true: Operation not supported", e.Message);
        Assert.StartsWith("Cannot apply NetworkNamespacePath=/run/netns/x (named network namespaces are not joined): the sandbox is strict, so the command does not start", e.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void BestEffortNamesEveryKeyInTheDowngrade()
    {
        var exec = Asking(("AppArmorProfile", "foo"), ("NetworkNamespacePath", "/run/netns/x"));
        var context = Context(SandboxMode.BestEffort);
        UnappliedSandboxPlan.Apply(exec, false, context, "/bin/true");
        Assert.Equal(
            ["NetworkNamespacePath=/run/netns/x (named network namespaces are not joined)", "AppArmorProfile=foo (AppArmor profiles are not changed)"],
            context.NotApplied);
    }

    [Fact]
    public void APlusCommandIsSparedAllButTheControlGroupWideKeys()
    {
        var labels = Asking(("AppArmorProfile", "foo"));
        Assert.False(UnappliedSandboxPlan.Concerns(labels, fullyPrivileged: true));

        var firewall = Asking(("AppArmorProfile", "foo"), ("SocketBindDeny", "any"));
        Assert.True(UnappliedSandboxPlan.Concerns(firewall, fullyPrivileged: true));
        var e = Assert.Throws<SpawnException>(() => UnappliedSandboxPlan.Apply(firewall, true, Context(SandboxMode.Strict), "/bin/true"));
        Assert.Equal("244/BPF", $"{e.ExitStatus}/{e.Step}");
    }
}
