using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

/// <summary>
/// The two ways a child that must see its own pid is started: in process (libsummon_spawn: clone + a C child that
/// writes its pid and execs the service) and through the /bin/sh exec helper (the fallback without the native
/// library). Both must give the service the same view.
/// </summary>
[Collection(ProcessTestCollection.Name)]
public class InProcessSpawnTests
{
    public static TheoryData<string> Paths => ["in-process", "sh"];

    private static ExecHelper? Helper(string path) => path == "sh" ? ExecHelper.Shell : null;

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void NativeSpawnLibraryIsBuiltAndLoaded()
    {
        // The build compiles Interop/Native/summon_spawn.c next to the assemblies; without it every Accept=no
        // service start would pay one extra exec.
        Assert.True(ProcessSpawner.InProcessAvailable);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libsummon_spawn.so")));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ListenPidAndExecPidAreTheServicesOwnPid(string path)
    {
        var result = SpawnRunner.Sh("echo \"$LISTEN_PID $SYSTEMD_EXEC_PID $$ $PPID\"", listenPid: true, helper: Helper(path));
        Assert.Equal($"{result.Pid} {result.Pid} {result.Pid} {Environment.ProcessId}\n", result.Output);
        Assert.True(result.Status.IsSuccess);
    }

    [Fact]
    public void InProcessEnvironmentIsExactlyTheRequestsThenListenPidThenExecPid()
    {
        string[] given = ["A=1", "B=two words", "C=", "LISTEN_FDS=2", "LISTEN_FDNAMES=a:b"];
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/usr/bin/env",
            Argv = ["/usr/bin/env"],
            Environment = given,
            Stdout = stdout,
            SetListenPid = true,
        });
        string pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        Assert.Equal([.. given, "LISTEN_PID=" + pid, "SYSTEMD_EXEC_PID=" + pid], Lines(result.Output));
    }

    [Fact]
    public void InProcessExecPidAloneAddsOnlySystemdExecPid()
    {
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/usr/bin/env",
            Argv = ["/usr/bin/env"],
            Environment = ["X=y"],
            Stdout = stdout,
            SetExecPid = true,
        });
        Assert.Equal(["X=y", "SYSTEMD_EXEC_PID=" + result.Pid.ToString(CultureInfo.InvariantCulture)], Lines(result.Output));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ChildHasExactlyStdioAndPassedFdsInOrder(string path)
    {
        var a = ChildStdio.CreatePipe();
        var b = ChildStdio.CreatePipe();
        using (a.Read)
        using (b.Read)
        {
            SpawnRunner.Result result;
            using (a.Write)
            using (b.Write)
                result = SpawnRunner.Sh("ls -1 /proc/$$/fd; echo three >&3; echo four >&4", listenPid: true,
                    passFds: [a.Write, b.Write], helper: Helper(path));
            Assert.Equal(["0", "1", "2", "3", "4"], Lines(result.Output));
            Assert.Equal("three\n", System.Text.Encoding.UTF8.GetString(TestFds.ReadToEnd(a.Read)));
            Assert.Equal("four\n", System.Text.Encoding.UTF8.GetString(TestFds.ReadToEnd(b.Read)));
        }
    }

    [Fact]
    public void InProcessMovesSourcesInsideTheTargetRangeBeforeTheDup2s()
    {
        using var hostStdin = new SafeFdHandle(0, ownsHandle: false);
        using var hostStdout = new SafeFdHandle(1, ownsHandle: false);
        using var hostStderr = new SafeFdHandle(2, ownsHandle: false);
        static string Link(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget!;
        string[] expected = ["/dev/null", Link(1), Link(0), Link(2)];

        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "readlink /proc/$$/fd/0 /proc/$$/fd/2 /proc/$$/fd/3 /proc/$$/fd/4"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            Stderr = hostStdout,
            PassFds = [hostStdin, hostStderr],
            SetListenPid = true,
        });

        Assert.True(result.Status.IsSuccess);
        Assert.Equal(expected, Lines(result.Output));
    }

    [Theory]
    [InlineData("in-process", true, 1UL << (Signals.SIGPIPE - 1))]
    [InlineData("in-process", false, 0UL)]
    [InlineData("sh", true, 1UL << (Signals.SIGPIPE - 1))]
    [InlineData("sh", false, 0UL)]
    public void SignalsAreDefaultNothingBlockedAndSigpipeFollowsIgnoreSigpipe(string path, bool ignoreSigpipe, ulong expectedIgnored)
    {
        const ulong glibcInternal = (1UL << 31) | (1UL << 32);
        var result = SpawnRunner.Sh("exec grep -E '^Sig(Blk|Ign|Cgt)' /proc/self/status", listenPid: true, ignoreSigpipe: ignoreSigpipe,
            helper: Helper(path));
        var values = Lines(result.Output).ToDictionary(
            l => l[..6], l => ulong.Parse(l[(l.IndexOf('\t') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(0UL, values["SigBlk"]);
        Assert.Equal(expectedIgnored, values["SigIgn"] & ~glibcInternal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NewSessionAndWorkingDirectory(string path)
    {
        var result = SpawnRunner.Sh("pwd; cut -d' ' -f6 /proc/$$/stat", listenPid: true, workingDirectory: "/usr/bin", helper: Helper(path));
        Assert.Equal($"/usr/bin\n{result.Pid}\n", result.Output);
    }

    [Fact]
    public void InProcessKeepsArgv0DifferentFromThePathAndAddsNothingToTheEnvironment()
    {
        var cmdline = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["my-name", "-c", "cat /proc/$$/cmdline"],
            Environment = [],
            Stdout = stdout,
            SetListenPid = true,
        });
        Assert.Equal("my-name\0-c\0cat /proc/$$/cmdline\0", cmdline.Output);

        // The shell helper would need bash here (exec -a), which adds SHLVL; in process nothing is added.
        var env = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/usr/bin/env",
            Argv = ["renamed-env"],
            Environment = ["Z=1"],
            Stdout = stdout,
            SetListenPid = true,
        });
        string pid = env.Pid.ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"Z=1\nLISTEN_PID={pid}\nSYSTEMD_EXEC_PID={pid}\n", env.Output);
    }

    [Fact]
    public void InProcessAppliesUmaskNiceAndLimitsBeforeExec()
    {
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "umask; cut -d' ' -f19 /proc/$$/stat; ulimit -Sn; ulimit -Hn"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            Umask = 0x17, // 027
            Nice = 7,
            ResourceLimits = [new ResourceLimit(7, 77, 99)],
        });
        Assert.Equal("0027\n7\n77\n99\n", result.Output);
    }

    [Fact]
    public void InProcessDropsPrivilegesWhenRoot()
    {
        if (Libc.GetEUid() != 0)
            return; // needs root (CI runs as root); the unprivileged case is USER/EPERM below
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "id -u; id -g; id -G; echo $SYSTEMD_EXEC_PID"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            Uid = 65534,
            Gid = 65534,
            SupplementaryGroups = [65534, 4],
            SetExecPid = true,
        });
        Assert.Equal($"65534\n65534\n65534 4\n{result.Pid}\n", result.Output);
    }

    public static TheoryData<string, string, int, int> FailingSteps => new()
    {
        // what is wrong, step, errno, exit status systemd records
        { "chdir", "CHDIR", Errno.ENOENT, 200 },
        { "limits", "LIMITS", Errno.EINVAL, 205 },
        { "exec", "EXEC", Errno.ENOENT, 203 },
        { "exec-dir", "EXEC", Errno.EACCES, 203 },
    };

    /// <summary>A request that fails at the step <paramref name="what"/> names (see <see cref="FailingSteps"/>).</summary>
    private static SpawnRequest FailingRequest(string what, bool failureAtExit) => new()
    {
        Path = what switch { "exec" => "/nonexistent/service", "exec-dir" => "/usr", _ => "/bin/true" },
        Argv = ["service"],
        Environment = [],
        SetListenPid = true,
        WorkingDirectory = what == "chdir" ? "/nonexistent-dir" : null,
        ResourceLimits = what == "limits" ? [new ResourceLimit(7, 100, 10)] : [],
        ExecFailureAtExit = failureAtExit,
    };

    [Theory]
    [MemberData(nameof(FailingSteps))]
    public void InProcessReportsTheFailedStepAndLeavesNoChild(string what, string step, int errno, int exitStatus)
    {
        var request = FailingRequest(what, failureAtExit: false);
        string children = ChildrenOfThisThread();
        var e = Assert.Throws<SpawnException>(() => ProcessSpawner.Spawn(request));
        Assert.Equal((step, errno, exitStatus), (e.Step, e.Errno, e.ExitStatus));
        Assert.Equal($"Failed at step {step} spawning {request.Path}: {Errno.Describe(errno)}", e.Message);
        Assert.Equal(children, ChildrenOfThisThread()); // the failed child was reaped, not left as a zombie
    }

    [Theory]
    [MemberData(nameof(FailingSteps))]
    public void AsynchronousSpawnReportsTheFailedStepWhenTheChildIsReaped(string what, string step, int errno, int exitStatus)
    {
        var request = FailingRequest(what, failureAtExit: true);
        using var process = ProcessSpawner.Spawn(request);   // no exception: the child exists
        Assert.Null(process.SpawnFailure);
        Assert.Equal(new ExitStatus(ExitCode.Exited, exitStatus), SpawnRunner.WaitAndReap(process));
        var e = process.SpawnFailure;
        Assert.NotNull(e);
        Assert.Equal((step, errno, exitStatus), (e.Step, e.Errno, e.ExitStatus));
        Assert.Equal($"Failed at step {step} spawning {request.Path}: {Errno.Describe(errno)}", e.Message);
    }

    [Fact]
    public void AsynchronousSpawnsReuseTheirSlotsAndReportOnlyTheirOwnFailures()
    {
        // Far more children than the slot cache holds, failing and succeeding in turn, several in flight at once:
        // each reports exactly its own outcome, and a program's own exit 203 is not taken for a failed exec.
        var running = new List<(SpawnedProcess Process, int Kind)>();
        for (int i = 0; i < 300; i++)
        {
            int kind = i % 3;
            running.Add((ProcessSpawner.Spawn(new SpawnRequest
            {
                Path = kind == 0 ? "/nonexistent/" + i : "/bin/sh",
                Argv = ["sh", "-c", kind == 1 ? "exit 203" : "exit 0"],
                Environment = [],
                SetListenPid = true,
                ExecFailureAtExit = true,
            }), kind));
            if (running.Count < 8)
                continue;
            foreach (var (process, k) in running)
            {
                using (process)
                {
                    var status = SpawnRunner.WaitAndReap(process);
                    Assert.Equal(k == 2 ? 0 : 203, status.Status);
                    Assert.Equal(k == 0, process.SpawnFailure is not null);
                }
            }
            running.Clear();
        }
        foreach (var (process, _) in running)
        {
            using (process)
                SpawnRunner.WaitAndReap(process);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AsynchronousSpawnWritesTheChildsOwnPidAndGivesItItsSessionOrGroup(bool processGroupOnly)
    {
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "echo $LISTEN_PID $$; cut -d' ' -f5,6 /proc/$$/stat"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            SetListenPid = true,
            ExecFailureAtExit = true,
            NewSession = !processGroupOnly,
            NewProcessGroup = processGroupOnly,
        });
        string pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        string ownSession = processGroupOnly ? ThisSession() : pid;
        Assert.Equal($"{pid} {pid}\n{pid} {ownSession}\n", result.Output);
        Assert.True(result.Status.IsSuccess, result.Status.ToString());
    }

    [Fact]
    public void InProcessUserStepFailsUnprivilegedWithEperm()
    {
        if (Libc.GetEUid() == 0)
            return; // root may switch to any uid
        var e = Assert.Throws<SpawnException>(() => ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/true", Argv = ["true"], Environment = [], Uid = 0,
        }));
        Assert.Equal(("USER", Errno.EPERM, 217), (e.Step, e.Errno, e.ExitStatus));
    }

    /// <summary>The session id of this test process (/proc/self/stat field 6).</summary>
    private static string ThisSession()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
    }

    private static string ChildrenOfThisThread()
    {
        string path = $"/proc/self/task/{Libc.GetTid()}/children";
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
