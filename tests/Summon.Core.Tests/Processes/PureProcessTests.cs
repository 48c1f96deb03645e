using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

public class ExitStatusTests
{
    [Theory]
    [InlineData(ExitCode.Exited, 0, "code=exited, status=0/SUCCESS")]
    [InlineData(ExitCode.Exited, 1, "code=exited, status=1/FAILURE")]
    [InlineData(ExitCode.Exited, 2, "code=exited, status=2/INVALIDARGUMENT")]
    [InlineData(ExitCode.Exited, 7, "code=exited, status=7/NOTRUNNING")]
    [InlineData(ExitCode.Exited, 8, "code=exited, status=8/n/a")]
    [InlineData(ExitCode.Exited, 64, "code=exited, status=64/USAGE")]
    [InlineData(ExitCode.Exited, 78, "code=exited, status=78/CONFIG")]
    [InlineData(ExitCode.Exited, 127, "code=exited, status=127/n/a")]
    [InlineData(ExitCode.Exited, 200, "code=exited, status=200/CHDIR")]
    [InlineData(ExitCode.Exited, 203, "code=exited, status=203/EXEC")]
    [InlineData(ExitCode.Exited, 223, "code=exited, status=223/n/a")]
    [InlineData(ExitCode.Exited, 231, "code=exited, status=231/APPARMOR")]
    [InlineData(ExitCode.Exited, 243, "code=exited, status=243/CREDENTIALS")]
    [InlineData(ExitCode.Exited, 244, "code=exited, status=244/BPF")]
    [InlineData(ExitCode.Exited, 245, "code=exited, status=245/n/a")]
    [InlineData(ExitCode.Exited, 255, "code=exited, status=255/EXCEPTION")]
    [InlineData(ExitCode.Killed, 15, "code=killed, status=15/TERM")]
    [InlineData(ExitCode.Killed, 9, "code=killed, status=9/KILL")]
    [InlineData(ExitCode.Killed, 13, "code=killed, status=13/PIPE")]
    [InlineData(ExitCode.Dumped, 11, "code=dumped, status=11/SEGV")]
    [InlineData(ExitCode.Dumped, 6, "code=dumped, status=6/ABRT")]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void ToStringMatchesSystemd(object codeValue, int status, string expected) =>
        Assert.Equal(expected, new ExitStatus(((ExitCode)codeValue), status).ToString());

    /// <summary>systemd's own statuses as `systemd-analyze exit-status` of systemd 252 lists them (every other number
    /// from 200 on is unnamed).</summary>
    private static readonly Dictionary<int, string> SystemdStatuses = new()
    {
        [200] = "CHDIR", [201] = "NICE", [202] = "FDS", [203] = "EXEC", [204] = "MEMORY", [205] = "LIMITS",
        [206] = "OOM_ADJUST", [207] = "SIGNAL_MASK", [208] = "STDIN", [209] = "STDOUT", [210] = "CHROOT",
        [211] = "IOPRIO", [212] = "TIMERSLACK", [213] = "SECUREBITS", [214] = "SETSCHEDULER", [215] = "CPUAFFINITY",
        [216] = "GROUP", [217] = "USER", [218] = "CAPABILITIES", [219] = "CGROUP", [220] = "SETSID",
        [221] = "CONFIRM", [222] = "STDERR", [224] = "PAM", [225] = "NETWORK", [226] = "NAMESPACE",
        [227] = "NO_NEW_PRIVILEGES", [228] = "SECCOMP", [229] = "SELINUX_CONTEXT", [230] = "PERSONALITY",
        [231] = "APPARMOR", [232] = "ADDRESS_FAMILIES", [233] = "RUNTIME_DIRECTORY", [235] = "CHOWN",
        [236] = "SMACK_PROCESS_LABEL", [237] = "KEYRING", [238] = "STATE_DIRECTORY", [239] = "CACHE_DIRECTORY",
        [240] = "LOGS_DIRECTORY", [241] = "CONFIGURATION_DIRECTORY", [242] = "NUMA_POLICY", [243] = "CREDENTIALS",
        [244] = "BPF", [255] = "EXCEPTION",
    };

    [Fact]
    public void SystemdsOwnStatusesAreNamedAsSystemdAnalyzeListsThem()
    {
        for (int status = 200; status <= 255; status++)
            Assert.True(SystemdStatuses.GetValueOrDefault(status) == ExitStatusNames.Get(status), $"status {status}: {ExitStatusNames.Get(status)}");
    }

    [Theory]
    [InlineData(ExitCode.Exited, 0, true)]
    [InlineData(ExitCode.Exited, 1, false)]
    [InlineData(ExitCode.Killed, 0, false)]
    [InlineData(ExitCode.Killed, 15, false)]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void IsSuccess(object codeValue, int status, bool expected) =>
        Assert.Equal(expected, new ExitStatus(((ExitCode)codeValue), status).IsSuccess);

    [Theory]
    [InlineData(Libc.CLD_EXITED, 7, ExitCode.Exited, 7)]
    [InlineData(Libc.CLD_KILLED, 15, ExitCode.Killed, 15)]
    [InlineData(Libc.CLD_DUMPED, 11, ExitCode.Dumped, 11)]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void FromSigInfo(int siCode, int siStatus, object codeValue, int status)
    {
        var code = (ExitCode)codeValue;
        var info = new Libc.SigInfo { Signo = Signals.SIGCHLD, Code = siCode, Pid = 42, Status = siStatus };
        Assert.Equal(new ExitStatus(code, status), SpawnedProcess.FromSigInfo(in info));
    }
}

public class FdMapTests
{
    // sources: target i (0,1,2,3..) is filled from sources[i]; -1 = /dev/null.
    [Theory]
    [InlineData(new[] { -1, -1, -1, 10 }, 10, false)]        // above the map: safe
    [InlineData(new[] { -1, -1, -1, 3 }, 3, false)]          // on its own target: only dup2(3,3) writes slot 3
    [InlineData(new[] { -1, -1, -1, 4, 3 }, 4, true)]        // listen fds [4,3] -> [3,4]: slot 4 is written by 3
    [InlineData(new[] { -1, -1, -1, 4, 3 }, 3, true)]
    [InlineData(new[] { 7, 7, -1 }, 7, false)]               // stdin = stdout = socket 7, map is 0..2
    [InlineData(new[] { 1, 1, 2 }, 1, false)]                // manager's own stdout onto 0 and 1
    [InlineData(new[] { 1, 1, 2 }, 2, false)]
    [InlineData(new[] { 2, -1, -1 }, 2, true)]               // slot 2 gets /dev/null, clobbering fd 2
    [InlineData(new[] { -1, -1, -1, 0 }, 0, true)]           // slot 0 gets /dev/null
    [InlineData(new[] { -1, -1, -1, 5 }, 5, false)]
    [InlineData(new[] { -1, -1, -1 }, -1, false)]
    public void NeedsMove(int[] sources, int source, bool expected) => Assert.Equal(expected, FdMap.NeedsMove(sources, source));
}

public class ComposedArgvTests
{
    private static string[] All(ComposedArgv argv)
    {
        var result = new string[argv.Count];
        for (int i = 0; i < argv.Count; i++)
            result[i] = argv[i];
        return result;
    }

    [Fact]
    public void DirectIsTheRequestArgv()
    {
        var argv = new ComposedArgv(["@name", "a", "b"]);
        Assert.Equal(["@name", "a", "b"], All(argv));
        Assert.Equal(-1, argv.TargetPathIndex);
    }

    [Fact]
    public void HelperWithoutArgv0PutsPathFirst()
    {
        var h = new HelperInvocation("/bin/sh", ["/bin/sh", "-c", "S"], PassArgv0: false);
        var argv = new ComposedArgv(in h, "/usr/bin/cat", ["/usr/bin/cat", "-u", "x"]);
        Assert.Equal(["/bin/sh", "-c", "S", "/usr/bin/cat", "-u", "x"], All(argv));
        Assert.Equal(3, argv.TargetPathIndex);
    }

    [Fact]
    public void HelperWithArgv0PutsArgv0ThenPath()
    {
        var h = new HelperInvocation("/x/summon", ["/x/summon", "__exec", "--", ], PassArgv0: true);
        var argv = new ComposedArgv(in h, "/usr/bin/busybox", ["cat", "-u"]);
        Assert.Equal(["/x/summon", "__exec", "--", "cat", "/usr/bin/busybox", "-u"], All(argv));
        Assert.Equal(4, argv.TargetPathIndex);
    }
}

public class ExecHelperDescribeTests
{
    private const string Exec = "exec \"$0\" \"$@\"";
    private const string ExecA = "exec -a \"$0\" \"$@\"";

    [Theory]
    [InlineData(true, true, true, "/bin/sh", "LISTEN_PID=$$; SYSTEMD_EXEC_PID=$$; export LISTEN_PID SYSTEMD_EXEC_PID; " + Exec, false)]
    [InlineData(true, false, true, "/bin/sh", "unset PWD; LISTEN_PID=$$; SYSTEMD_EXEC_PID=$$; export LISTEN_PID SYSTEMD_EXEC_PID; " + Exec, false)]
    [InlineData(false, false, true, "/bin/sh", "unset PWD; SYSTEMD_EXEC_PID=$$; export SYSTEMD_EXEC_PID; " + Exec, false)]
    [InlineData(true, false, false, "/bin/bash", "unset PWD; LISTEN_PID=$$; SYSTEMD_EXEC_PID=$$; export LISTEN_PID SYSTEMD_EXEC_PID; " + ExecA, true)]
    public void ShellScripts(bool listen, bool hasPwd, bool argv0IsPath, string path, string script, bool passArgv0)
    {
        var helper = new ShellExecHelper("/bin/sh", "/bin/bash");
        HelperInvocation h = helper.Describe(new ExecHelperOptions(listen, !listen, IgnoreSigpipe: true, argv0IsPath, hasPwd));
        Assert.Equal(path, h.Path);
        Assert.Equal([path, "-c", script], h.Prefix);
        Assert.Equal(passArgv0, h.PassArgv0);
    }

    [Fact]
    public void ShellWithoutBashDropsArgv0()
    {
        var helper = new ShellExecHelper("/bin/sh", null);
        HelperInvocation h = helper.Describe(new ExecHelperOptions(true, false, true, Argv0IsPath: false, EnvironmentHasPwd: true));
        Assert.Equal("/bin/sh", h.Path);
        Assert.False(h.PassArgv0);
        Assert.EndsWith(Exec, h.Prefix[2]);
    }

    [Theory]
    [InlineData(true, false, true, new[] { "/x/summon", "__exec", "--listen-pid", "--exec-pid", "--ignore-sigpipe", "--" })]
    [InlineData(false, true, false, new[] { "/x/summon", "__exec", "--exec-pid", "--" })]
    [InlineData(true, false, false, new[] { "/x/summon", "__exec", "--listen-pid", "--exec-pid", "--" })]
    public void SelfPrefix(bool listen, bool exec, bool ignoreSigpipe, string[] prefix)
    {
        HelperInvocation h = ExecHelper.Self("/x/summon", "__exec").Describe(new ExecHelperOptions(listen, exec, ignoreSigpipe, true, true));
        Assert.Equal("/x/summon", h.Path);
        Assert.Equal(prefix, h.Prefix);
        Assert.True(h.PassArgv0);
    }

    [Fact]
    public void DescribeIsCachedSoSpawnsDoNotAllocate()
    {
        var options = new ExecHelperOptions(true, false, true, true, false);
        Assert.Same(ExecHelper.Shell.Describe(options).Prefix, ExecHelper.Shell.Describe(options).Prefix);
    }
}

public class ExecHelperArgumentsTests
{
    [Theory]
    [InlineData(new[] { "--listen-pid", "--exec-pid", "--", "cat", "/bin/cat", "-u" }, true, true, false, "/bin/cat", new[] { "cat", "-u" })]
    [InlineData(new[] { "--exec-pid", "--ignore-sigpipe", "--", "/bin/true", "/bin/true" }, false, true, true, "/bin/true", new[] { "/bin/true" })]
    [InlineData(new[] { "--", "@x", "/bin/sh", "--", "-c" }, false, false, false, "/bin/sh", new[] { "@x", "--", "-c" })]
    public void Parses(string[] args, bool listen, bool exec, bool ignoreSigpipe, string path, string[] argv)
    {
        ExecHelperArguments? parsed = ExecHelperArguments.Parse(args, out string? error);
        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal((listen, exec, ignoreSigpipe, path), (parsed.ListenPid, parsed.ExecPid, parsed.IgnoreSigpipe, parsed.Path));
        Assert.Equal(argv, parsed.Argv);
    }

    [Theory]
    [InlineData(new string[0], "Expected ARGV0 and PATH after '--'.")]
    [InlineData(new[] { "--listen-pid" }, "Missing '--' before the command.")]
    [InlineData(new[] { "--bogus", "--", "a", "/b" }, "Unknown option '--bogus'.")]
    [InlineData(new[] { "--", "cat" }, "Expected ARGV0 and PATH after '--'.")]
    [InlineData(new[] { "--", "cat", "cat" }, "Executable path is not absolute: cat")]
    public void Rejects(string[] args, string expected)
    {
        Assert.Null(ExecHelperArguments.Parse(args, out string? error));
        Assert.Equal(expected, error);
    }
}
