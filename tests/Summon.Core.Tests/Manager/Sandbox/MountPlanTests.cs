using Summon.Manager.Exec;
using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager.Sandbox;

/// <summary>The mount list as systemd's namespace.c orders and prunes it (issue 14, mounts).</summary>
public sealed class MountPlanTests
{
    private static readonly MountPlanInputs Inputs = new("/run/x/dir", "/run/x/reg", "/run/x/staging", "/run/x/tmp", "/var/x/tmp", ["/var/lib/svc"]);

    private static string[] Plan(Action<SandboxMountSettings> set, bool dynamicUser = false, MountPlanInputs? inputs = null)
    {
        var m = new SandboxMountSettings();
        set(m);
        return [.. MountPlan.Entries(m, dynamicUser, inputs ?? Inputs).Select(e => e.ToString())];
    }

    [Fact]
    public void StrictIsReadOnlyRootWithTheApiFileSystemsAndTheServiceDirectoriesWritable()
    {
        Assert.Equal(
            ["/ ReadOnly", "/dev ReadWriteImplicit", "/home ReadWriteImplicit -", "/proc ReadWriteImplicit", "/root ReadWriteImplicit -",
             "/run/user ReadWriteImplicit -", "/sys ReadWriteImplicit", "/var/lib/svc ReadWrite"],
            Plan(m => m.ProtectSystem = ProtectSystemMode.Strict));
    }

    [Fact]
    public void ATableEntryRepeatingItsParentIsDroppedAndNothingBelowAnInaccessiblePathStays()
    {
        Assert.Equal(
            ["/boot ReadOnly -", "/efi ReadOnly -", "/home Inaccessible -", "/root Inaccessible -", "/run/user Inaccessible -",
             "/usr ReadOnly", "/var/lib/svc ReadWrite"],
            Plan(m =>
            {
                m.ProtectSystem = ProtectSystemMode.Yes;
                m.ProtectHome = ProtectHomeMode.Yes;
                m.ReadOnlyPaths.Add(new SandboxPath("/usr/share", false, false));   // same kind as its parent /usr: a no-op
                m.ReadWritePaths.Add(new SandboxPath("/home/a", false, false));      // under an inaccessible path
            }));
    }

    [Fact]
    public void OfTwoEntriesForOnePathTheStrongerKindWinsAndKeepsTheReadOnlyBit()
    {
        // InaccessiblePaths= beats ReadWritePaths=; ReadOnlyPaths=/proc beats the implicit writable /proc of strict and then repeats its parent "/", and
        // components sort before longer names that share a prefix ("/a/b" before "/a-b").
        Assert.Equal(
            ["/ ReadOnly", "/a Inaccessible", "/a-b ReadWrite", "/dev PrivateDev", "/sys ReadWriteImplicit",
             "/tmp PrivateTmp", "/var/tmp PrivateTmp"],
            Plan(m =>
            {
                m.ProtectSystem = ProtectSystemMode.Strict;
                m.PrivateTmp = true;
                m.PrivateDevices = true;
                m.ReadWritePaths.Add(new SandboxPath("/a", false, false));
                m.InaccessiblePaths.Add(new SandboxPath("/a", false, false));
                m.ReadWritePaths.Add(new SandboxPath("/a-b", false, false));
                m.ReadOnlyPaths.Add(new SandboxPath("/proc", false, false));
            }, inputs: Inputs with { ServiceDirectories = [] })
            .Where(e => !e.StartsWith("/home", StringComparison.Ordinal) && !e.StartsWith("/r", StringComparison.Ordinal)));
        Assert.True(MountPlan.ComparePaths("/a/b", "/a-b") < 0);
    }

    [Fact]
    public void KernelTunablesLeaveTheCgroupTreeWritableUnlessProtectControlGroupsSaysOtherwise()
    {
        string[] tunables = Plan(m => m.ProtectKernelTunables = true, inputs: Inputs with { ServiceDirectories = [] });
        Assert.Contains("/proc/sys ReadOnly -", tunables);
        Assert.Contains("/proc/kcore Inaccessible -", tunables);
        Assert.Contains("/sys/fs/cgroup ReadWriteImplicit", tunables);
        Assert.DoesNotContain("/sys/kernel/debug ReadOnly -", tunables);   // a no-op under the read-only /sys
        string[] both = Plan(m => { m.ProtectKernelTunables = true; m.ProtectControlGroups = true; }, inputs: Inputs with { ServiceDirectories = [] });
        // The read-only entry beats the writable one, and then repeats its read-only parent /sys: the tree stays read-only.
        Assert.DoesNotContain(both, e => e.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal));
        Assert.Contains("/sys/fs/cgroup ReadOnly", Plan(m => m.ProtectControlGroups = true, inputs: Inputs with { ServiceDirectories = [] }));
    }

    [Fact]
    public void ProtectHomeTmpfsIsAReadOnlyEmptyTmpfsAndTemporaryFileSystemKeepsItsOptions()
    {
        string[] plan = Plan(m =>
        {
            m.ProtectHome = ProtectHomeMode.Tmpfs;
            m.TemporaryFileSystems.Add(new SandboxTemporaryFileSystem("/srv", "ro,size=1M"));
        }, inputs: Inputs with { ServiceDirectories = [] });
        Assert.Equal(["/home Tmpfs - ro", "/root Tmpfs - ro", "/run/user Tmpfs - ro", "/srv Tmpfs ro"], plan);
    }

    [Fact]
    public void NothingAskedIsNullAndBestEffortWithoutNamespacesNamesWhatWasLeftOut()
    {
        var exec = new ExecSettings();
        var strict = new SandboxContext(SandboxEnvironment.Full, SandboxMode.Strict, userManager: false);
        Assert.Null(MountPlan.Of(exec, dynamicUser: false, strict, () => throw new InvalidOperationException("not needed")));

        exec.Mounts.ProtectSystem = ProtectSystemMode.Strict;
        exec.Mounts.PrivateTmp = true;
        var none = new SandboxContext(SandboxEnvironment.Full with { MountNamespaces = false }, SandboxMode.BestEffort, userManager: false);
        Assert.Null(MountPlan.Of(exec, dynamicUser: false, none, () => throw new InvalidOperationException("not needed")));
        Assert.Equal(["ProtectSystem=strict (no mount namespace here)", "PrivateTmp= (no mount namespace here)"], none.NotApplied);

        var refused = new SandboxContext(SandboxEnvironment.Full with { MountNamespaces = false }, SandboxMode.Strict, userManager: false);
        SandboxMounts? plan = MountPlan.Of(exec, dynamicUser: false, refused, () => Inputs);
        Assert.NotNull(plan);   // strict: the child tries, and the kernel's refusal fails the start with 226/NAMESPACE
        Assert.Equal(SandboxMounts.Shared, plan.Propagation);
        Assert.Equal(plan.Block.Length, BitConverter.ToInt32(plan.Block, 0));
        Assert.Equal(plan.Entries.Count, BitConverter.ToInt32(plan.Block, 4));
    }
    [Fact]
    public void ProtectProcAndProcSubsetMountAProcfsOfTheirOwnWithHidepidAndSubset()
    {
        var m = new SandboxMountSettings { ProtectProc = ProtectProcMode.Invisible, ProcSubset = ProcSubsetMode.Pid };
        var proc = Assert.Single(MountPlan.Entries(m, dynamicUser: false, Inputs with { ServiceDirectories = [] }));
        Assert.Equal(("/proc", MountPlan.Mode.Procfs, "hidepid=invisible,subset=pid"), (proc.Path, proc.Mode, proc.Options));
        Assert.Equal("hidepid=off,subset=pid", MountPlan.ProcOptions(new SandboxMountSettings { ProcSubset = ProcSubsetMode.Pid }));
        Assert.Equal("hidepid=noaccess", MountPlan.ProcOptions(new SandboxMountSettings { ProtectProc = ProtectProcMode.NoAccess }));
        Assert.Null(MountPlan.ProcOptions(new SandboxMountSettings { MountApiVfs = true }));
        // Without a root directory the host's /dev, /sys and /run stay: only /proc is the service's own.
        Assert.Equal(["/proc Procfs"], Plan(m => m.MountApiVfs = true, inputs: Inputs with { ServiceDirectories = [] }));
    }

    [Fact]
    public void UnderRootDirectoryEveryPathMovesBelowItButTheHostPathsOfTheAccessKeysWhichAreDroppedOutsideIt()
    {
        var m = new SandboxMountSettings { ProtectSystem = ProtectSystemMode.Strict, PrivateTmp = true };
        m.ReadWritePaths.Add(new SandboxPath("/out", false, InsideRoot: true));
        m.ReadWritePaths.Add(new SandboxPath("/var/log", false, InsideRoot: false));   // the host's, outside the root: dropped
        m.ReadWritePaths.Add(new SandboxPath("/srv/r/data", false, InsideRoot: false)); // the host's, inside the root: kept
        m.Binds.Add(new SandboxBind("/etc/ssl", "/etc/ssl", false, true, true));
        var entries = MountPlan.Entries(m, dynamicUser: false, Inputs with { NotifySocket = "/run/summon/notify", CredentialsDirectory = "/run/credentials/a.service" }, "/srv/r");
        Assert.Equal(
            ["/srv/r ReadOnly", "/srv/r/data ReadWrite", "/srv/r/dev BindDev", "/srv/r/etc/ssl BindRecursive ro", "/srv/r/home ReadWriteImplicit -",
             "/srv/r/out ReadWrite", "/srv/r/proc Procfs", "/srv/r/root ReadWriteImplicit -", "/srv/r/run Run", "/srv/r/run/credentials/a.service Bind ro",
             "/srv/r/run/summon/notify Bind ro", "/srv/r/run/user ReadWriteImplicit -", "/srv/r/sys Sysfs", "/srv/r/tmp PrivateTmp",
             "/srv/r/var/lib/svc BindRecursive", "/srv/r/var/tmp PrivateTmp"],
            entries.Select(e => e.ToString()));
        // Sources stay the host's: the bind's, the private /tmp's and the service directory's.
        Assert.Equal(["/etc/ssl", "/run/x/tmp", "/var/lib/svc"],
            entries.Where(e => e.Path is "/srv/r/etc/ssl" or "/srv/r/tmp" or "/srv/r/var/lib/svc").Select(e => e.Source));
    }

    [Fact]
    public void RootDirectoryAloneMountsTheApiFileSystemsUnlessMountApiVfsIsOffAndSlashIsNoRoot()
    {
        var exec = new ExecSettings { RootDirectory = "/srv/r/" };
        Assert.True(MountPlan.Needed(exec, dynamicUser: false));
        Assert.Equal("/srv/r", MountPlan.Root(exec));
        Assert.Null(MountPlan.Root(new ExecSettings { RootDirectory = "/" }));
        var strict = new SandboxContext(SandboxEnvironment.Full, SandboxMode.Strict, userManager: false);
        SandboxMounts plan = MountPlan.Of(exec, dynamicUser: false, strict, () => Inputs with { ServiceDirectories = [] })!;
        Assert.Equal(("/srv/r", 4), (plan.Root, plan.Entries.Count));
        exec.Mounts.MountApiVfs = false;
        Assert.Empty(MountPlan.Of(exec, dynamicUser: false, strict, () => Inputs with { ServiceDirectories = [] })!.Entries);
    }

    [Fact]
    public void BestEffortWithoutNamespacesNamesTheRootAndProcKeys()
    {
        var exec = new ExecSettings { RootDirectory = "/srv/r" };
        exec.Mounts.ProtectProc = ProtectProcMode.Invisible;
        exec.Mounts.ProcSubset = ProcSubsetMode.Pid;
        var none = new SandboxContext(SandboxEnvironment.Full with { MountNamespaces = false }, SandboxMode.BestEffort, userManager: false);
        Assert.Null(MountPlan.Of(exec, dynamicUser: false, none, () => throw new InvalidOperationException("not needed")));
        Assert.Equal(["RootDirectory= (no mount namespace here)", "ProtectProc=invisible (no mount namespace here)", "ProcSubset=pid (no mount namespace here)"],
            none.NotApplied);
    }

    [Fact]
    public void ADynamicUsersPrivateBaseIsAnEmptyTmpfsHoldingOnlyItsOwnDirectoriesBoundOverIt()
    {
        var inputs = Inputs with
        {
            ServiceDirectories = ["/run/svc"],
            PrivateRoots = ["/var/lib/private"],
            PrivatePaths = ["/var/lib/private/svc"],
        };
        string[] plan = Plan(_ => { }, dynamicUser: true, inputs);
        // compile_bind_mounts(): the private base becomes an empty directory, its entries bound from the host; the
        // runtime directory stays a writable path of the strict view.
        Assert.Contains("/var/lib/private Tmpfs", plan);
        Assert.Contains("/var/lib/private/svc BindRecursive", plan);
        Assert.Contains("/run/svc ReadWrite", plan);
        Assert.True(Array.IndexOf(plan, "/var/lib/private Tmpfs") < Array.IndexOf(plan, "/var/lib/private/svc BindRecursive"));
        Assert.Equal("/ ReadOnly", plan[0]);   // DynamicUser= implies ProtectSystem=strict
    }
}
