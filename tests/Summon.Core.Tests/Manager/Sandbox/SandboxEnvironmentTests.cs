using Summon.Manager.Sandbox;

namespace Summon.Core.Tests.Manager.Sandbox;

/// <summary>What the manager concludes from /proc about the namespaces and filters its children may use.</summary>
public sealed class SandboxEnvironmentTests
{
    private const string Root = "Name:\tsummon\nCapEff:\t000001ffffffffff\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n";
    // capsh --drop=cap_sys_admin: bit 21 gone from the effective set.
    private const string WithoutSysAdmin = "Name:\tsummon\nCapEff:\t000001ffffdfffff\nNoNewPrivs:\t0\nSeccomp:\t0\n";
    private const string Unprivileged = "Name:\tsummon\nCapEff:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n";

    [Fact]
    public void RootWithEverything()
    {
        Assert.Equal(SandboxEnvironment.Full, SandboxEnvironment.From(Root, "96367\n", null, seccompFilters: true, userMode: false));
    }

    [Fact]
    public void WithoutCapSysAdminASystemManagerHasNoMountNamespaces()
    {
        var environment = SandboxEnvironment.From(WithoutSysAdmin, "96367\n", null, seccompFilters: true, userMode: false);
        Assert.False(environment.CapSysAdmin);
        Assert.False(environment.MountNamespaces);
        Assert.False(environment.OtherNamespaces);
        Assert.True(environment.UserNamespaces);
        Assert.True(environment.Seccomp);
    }

    [Theory]
    [InlineData("0\n", null, false)]           // max_user_namespaces=0: none for anyone
    [InlineData("96367\n", "0\n", false)]      // Debian's unprivileged_userns_clone=0
    [InlineData("96367\n", "1\n", true)]
    [InlineData("96367\n", null, true)]
    public void AUserManagerGetsNamespacesThroughAUserNamespace(string max, string? clone, bool allowed)
    {
        var environment = SandboxEnvironment.From(Unprivileged, max, clone, seccompFilters: true, userMode: true);
        Assert.Equal((allowed, allowed, allowed), (environment.UserNamespaces, environment.MountNamespaces, environment.OtherNamespaces));
        Assert.True(environment.Seccomp);   // already filtered (Seccomp: 2) still allows adding filters
    }

    [Fact]
    public void NoSeccompWithoutTheKernelsFilterSupport()
    {
        Assert.False(SandboxEnvironment.From(Root, "1", null, seccompFilters: false, userMode: false).Seccomp);
        Assert.False(SandboxEnvironment.From("CapEff:\t000001ffffffffff\n", "1", null, seccompFilters: true, userMode: false).Seccomp);
    }

    [Fact]
    public void DescribeNamesEachFact()
    {
        var environment = SandboxEnvironment.From(WithoutSysAdmin, "96367\n", null, seccompFilters: true, userMode: false);
        Assert.Equal("CAP_SYS_ADMIN: no, mount namespaces: no, user namespaces: yes, network/IPC/UTS namespaces: no, seccomp filters: yes",
            environment.Describe());
    }

    [Fact]
    public void DetectReadsThisProcess()
    {
        string status = File.ReadAllText("/proc/self/status");
        bool admin = status.Split('\n').First(l => l.StartsWith("CapEff:", StringComparison.Ordinal)) is var line
            && (Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16) & (1UL << 21)) != 0;
        Assert.Equal(admin, SandboxEnvironment.Detect(userMode: false).CapSysAdmin);
    }
}
