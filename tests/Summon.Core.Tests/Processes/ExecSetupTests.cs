using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

public class ExecSetupArgumentsTests
{
    private static SpawnRequest Request(
        uint? uid = null, uint? gid = null, uint[]? groups = null, uint? umask = null, int? nice = null, ResourceLimit[]? limits = null) => new()
    {
        Path = "/bin/true",
        Argv = ["true"],
        Environment = [],
        Uid = uid,
        Gid = gid,
        SupplementaryGroups = groups,
        Umask = umask,
        Nice = nice,
        ResourceLimits = limits ?? [],
    };

    [Fact]
    public void FormatsInApplyOrder()
    {
        var args = new List<string>();
        ExecHelperArguments.Format(
            Request(65534, 65534, [65534, 4], 0x3F, -5, [new(7, 1234, 4096), new(4, 0, ResourceLimit.Infinity)]), args);
        Assert.Equal(
            ["--rlimit", "7:1234:4096", "--rlimit", "4:0:infinity", "--umask", "077", "--nice", "-5",
             "--groups", "65534,4", "--gid", "65534", "--uid", "65534"],
            args);
    }

    [Fact]
    public void FormatsNothingWithoutSetup()
    {
        var args = new List<string>();
        SpawnRequest request = Request();
        ExecHelperArguments.Format(request, args);
        Assert.Empty(args);
        Assert.False(request.NeedsPrivilegedSetup);
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(0x12u, "022")]
    [InlineData(0xFFFu, "07777")]
    public void FormatsUmaskInOctal(uint umask, string expected)
    {
        var args = new List<string>();
        ExecHelperArguments.Format(Request(umask: umask), args);
        Assert.Equal(["--umask", expected], args);
    }

    [Fact]
    public void RoundTrips()
    {
        SpawnRequest request = Request(1000, 100, [100, 27], 0x12, 19, [new(7, 1, 2), new(0, ResourceLimit.Infinity, ResourceLimit.Infinity)]);
        var args = new List<string> { "--listen-pid" };
        ExecHelperArguments.Format(request, args);
        args.AddRange(["--", "srv", "/usr/bin/srv", "-x"]);
        ExecHelperArguments? parsed = ExecHelperArguments.Parse(args.ToArray(), out string? error);
        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.True(parsed.ListenPid);
        Assert.Equal([new ResourceLimit(7, 1, 2), new ResourceLimit(0, ResourceLimit.Infinity, ResourceLimit.Infinity)], parsed.ResourceLimits);
        Assert.Equal((1000u, 100u, 0x12u, 19), (parsed.Uid, parsed.Gid, parsed.Umask, parsed.Nice));
        Assert.Equal([100u, 27u], parsed.SupplementaryGroups!);
        Assert.Equal("/usr/bin/srv", parsed.Path);
        Assert.Equal(["srv", "-x"], parsed.Argv);
    }

    [Theory]
    [InlineData(new[] { "--groups", "", "--", "a", "/b" }, new uint[0])]
    [InlineData(new[] { "--groups", "0", "--", "a", "/b" }, new uint[] { 0 })]
    public void ParsesGroupLists(string[] args, uint[] groups)
    {
        ExecHelperArguments? parsed = ExecHelperArguments.Parse(args, out string? error);
        Assert.Null(error);
        Assert.Equal(groups, parsed!.SupplementaryGroups);
    }

    [Theory]
    [InlineData(new[] { "--uid" }, "Option '--uid' needs a value.")]
    [InlineData(new[] { "--uid", "x", "--", "a", "/b" }, "Invalid value for '--uid': x")]
    [InlineData(new[] { "--uid", "-1", "--", "a", "/b" }, "Invalid value for '--uid': -1")]
    [InlineData(new[] { "--uid", "4294967295", "--", "a", "/b" }, "Invalid value for '--uid': 4294967295")]
    [InlineData(new[] { "--gid", "1", "--uid", "2" }, "Missing '--' before the command.")]
    [InlineData(new[] { "--nice", "20", "--", "a", "/b" }, "Invalid value for '--nice': 20")]
    [InlineData(new[] { "--nice", "-21", "--", "a", "/b" }, "Invalid value for '--nice': -21")]
    [InlineData(new[] { "--umask", "8", "--", "a", "/b" }, "Invalid value for '--umask': 8")]
    [InlineData(new[] { "--umask", "017777", "--", "a", "/b" }, "Invalid value for '--umask': 017777")]
    [InlineData(new[] { "--rlimit", "7:1", "--", "a", "/b" }, "Invalid value for '--rlimit': 7:1")]
    [InlineData(new[] { "--rlimit", "16:1:1", "--", "a", "/b" }, "Invalid value for '--rlimit': 16:1:1")]
    [InlineData(new[] { "--rlimit", "7:x:1", "--", "a", "/b" }, "Invalid value for '--rlimit': 7:x:1")]
    [InlineData(new[] { "--groups", "1,,2", "--", "a", "/b" }, "Invalid value for '--groups': 1,,2")]
    public void RejectsBadSetup(string[] args, string expected)
    {
        Assert.Null(ExecHelperArguments.Parse(args, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void SelfHelperPutsSetupBeforeTheSeparator()
    {
        ExecHelper helper = ExecHelper.Self("/usr/bin/summon", "__exec");
        var options = new ExecHelperOptions(ListenPid: true, ExecPid: true, IgnoreSigpipe: false, Argv0IsPath: true,
            EnvironmentHasPwd: false, Setup: Request(uid: 65534, limits: [new(7, 1234, 1234)]));
        HelperInvocation invocation = helper.Describe(in options);
        Assert.Equal("/usr/bin/summon", invocation.Path);
        Assert.Equal(
            ["/usr/bin/summon", "__exec", "--listen-pid", "--exec-pid", "--rlimit", "7:1234:1234", "--uid", "65534", "--"],
            invocation.Prefix);
        Assert.True(helper.CanApplySetup);
        Assert.False(ExecHelper.Shell.CanApplySetup);
    }

    [Theory]
    [InlineData("USER", 217)]
    [InlineData("GROUP", 216)]
    [InlineData("LIMITS", 205)]
    [InlineData("NICE", 201)]
    [InlineData("CHDIR", 200)]
    [InlineData("EXEC", 203)]
    [InlineData("FDS", 202)]
    public void StepsMapToSystemdExitStatus(string step, int status)
    {
        Assert.Equal(step, ExitStatusNames.Get(status));
        var e = new SpawnException("/bin/true", Errno.ENOENT, status);
        Assert.Equal((step, status), (e.Step, e.ExitStatus));
        Assert.Equal($"Failed at step {step} spawning /bin/true: No such file or directory", e.Message);
    }
}

public class ExecCredentialsTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("/", null)]
    [InlineData("//", null)]
    [InlineData("home/x", null)]
    [InlineData("/nonexistent", "/nonexistent")]
    [InlineData("/home/x", "/home/x")]
    public void CleansHome(string home, string? expected) => Assert.Equal(expected, ExecCredentials.CleanHome(home));

    [Theory]
    [InlineData("", null)]
    [InlineData("bash", null)]
    [InlineData("/usr/sbin/nologin", null)]
    [InlineData("/sbin/nologin", null)]
    [InlineData("/bin/false", null)]
    [InlineData("/usr/bin/true", null)]
    [InlineData("/bin/bash", "/bin/bash")]
    [InlineData("/bin/sh", "/bin/sh")]
    public void CleansShell(string shell, string? expected) => Assert.Equal(expected, ExecCredentials.CleanShell(shell));

    [Fact]
    public void NothingSetIsNone()
    {
        ExecCredentials c = ExecCredentials.Resolve(null, "", [], "/bin/true");
        Assert.Same(ExecCredentials.None, c);
        Assert.Equal((null, null, null), (c.Uid, c.Gid, c.SupplementaryGroups));
        Assert.Empty(c.Environment);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("0")]
    public void RootIsSynthesized(string user)
    {
        ExecCredentials c = ExecCredentials.Resolve(user, null, [], "/bin/true");
        Assert.Equal(("root", 0u, 0u), (c.UserName, c.Uid, c.Gid));
        Assert.Null(c.SupplementaryGroups);   // gid 0: no initgroups, the manager's groups stay
        Assert.Equal(["HOME=/root", "LOGNAME=root", "USER=root", "SHELL=/bin/sh"], c.Environment);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("65534")]
    public void NobodyIsSynthesizedWithoutHomeOrShell(string user)
    {
        ExecCredentials c = ExecCredentials.Resolve(user, null, [], "/bin/true");
        Assert.Equal(("nobody", 65534u, 65534u), (c.UserName, c.Uid, c.Gid));
        Assert.Equal(["LOGNAME=nobody", "USER=nobody"], c.Environment);
        Assert.Contains(65534u, c.SupplementaryGroups!);
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("1")]
    public void LooksUpOthersInTheDatabase(string user)
    {
        // Debian's daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        ExecCredentials c = ExecCredentials.Resolve(user, null, [], "/bin/true");
        Assert.Equal(("daemon", 1u, 1u), (c.UserName, c.Uid, c.Gid));
        Assert.Equal(["HOME=/usr/sbin", "LOGNAME=daemon", "USER=daemon"], c.Environment);
        Assert.Equal([1u], c.SupplementaryGroups);
    }

    [Fact]
    public void GroupOverridesThePrimaryGroupAndSupplementaryGroupsAppend()
    {
        ExecCredentials c = ExecCredentials.Resolve("daemon", "adm", ["nogroup", "0", "4"], "/bin/true");
        Assert.Equal((1u, 4u), (c.Uid, c.Gid));
        // initgroups("daemon", 4): the primary group and daemon's memberships (none), then the listed groups.
        Assert.Equal([4u, 65534u, 0u, 4u], c.SupplementaryGroups);
    }

    [Fact]
    public void GroupAloneKeepsTheManagersGroups()
    {
        ExecCredentials c = ExecCredentials.Resolve(null, "adm", [], "/bin/true");
        Assert.Equal((null, 4u, null), (c.Uid, c.Gid, c.SupplementaryGroups));
        Assert.Empty(c.Environment);
    }

    [Fact]
    public void SupplementaryGroupsAloneReplaceThem()
    {
        ExecCredentials c = ExecCredentials.Resolve(null, null, ["adm"], "/bin/true");
        Assert.Equal((null, null), (c.Uid, c.Gid));
        Assert.Equal([4u], c.SupplementaryGroups);
    }

    [Theory]
    [InlineData("summon-no-such-user", null, "USER", 217)]
    [InlineData("4000000", null, "USER", 217)]
    [InlineData(null, "summon-no-such-group", "GROUP", 216)]
    [InlineData(null, "4000000", "GROUP", 216)]
    public void UnknownNamesFailTheSpawn(string? user, string? group, string step, int status)
    {
        var e = Assert.Throws<SpawnException>(() => ExecCredentials.Resolve(user, group, [], "/bin/true"));
        Assert.Equal((step, Errno.ESRCH, status), (e.Step, e.Errno, e.ExitStatus));
        Assert.Equal($"Failed at step {step} spawning /bin/true: No such process", e.Message);
    }

    [Fact]
    public void UnknownSupplementaryGroupFailsAtGroup()
    {
        var e = Assert.Throws<SpawnException>(() => ExecCredentials.Resolve(null, null, ["adm", "summon-no-such-group"], "/bin/true"));
        Assert.Equal(("GROUP", 216), (e.Step, e.ExitStatus));
    }
}
