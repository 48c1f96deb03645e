using System.Globalization;
using Summon.IntegrationTests.Harness;
using Summon.Processes;

namespace Summon.IntegrationTests;

/// <summary>
/// The process attributes of issue 13 (OOMScoreAdjust=, CPUAffinity=, CPUScheduling*=, IOScheduling*=,
/// TimerSlackNSec=, Personality=, SecureBits=, KeyringMode=, ExecSearchPath=) applied by the exec child before
/// execve, read back from what the kernel shows of the running service (/proc, chrt, ionice), in each spawn mode:
/// the asynchronous in-process routine, SUMMON_SPAWN_VFORK=1, and the exec helper (<c>summon __exec</c>).
/// </summary>
public sealed class ExecAttributesTests
{
    private const string Attributes = """
        OOMScoreAdjust=321
        CPUAffinity=0
        CPUSchedulingPolicy=rr
        CPUSchedulingPriority=7
        CPUSchedulingResetOnFork=yes
        IOSchedulingClass=best-effort
        IOSchedulingPriority=6
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // SUMMON_SPAWN_VFORK=1: the synchronous clone, same child steps
    public async Task A_service_runs_with_the_attributes_its_unit_sets(bool vforkOnly)
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.WriteUnit("attrs.service", $"[Service]\nExecStart=/bin/sleep 1000\n{Attributes}\n");
        using DaemonProcess daemon = vforkOnly
            ? await DaemonProcess.StartAsync(root, "/usr/bin/env", ["SUMMON_SPAWN_VFORK=1", SummonBinary.Path, "daemon"], waitReady: true)
            : await DaemonProcess.StartAsync(root);
        int pid = await StartAndWaitForExecAsync(root, "attrs.service", "sleep");

        AssertAttributes(pid);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["OOMScoreAdjust"] = "321", ["CPUAffinity"] = "0", ["CPUSchedulingPolicy"] = "2", ["CPUSchedulingPriority"] = "7",
                ["CPUSchedulingResetOnFork"] = "yes", ["IOSchedulingClass"] = "2", ["IOSchedulingPriority"] = "6",
                ["KeyringMode"] = "private",
            },
            Cli.Show(root, "attrs.service", "OOMScoreAdjust", "CPUAffinity", "CPUSchedulingPolicy", "CPUSchedulingPriority",
                "CPUSchedulingResetOnFork", "IOSchedulingClass", "IOSchedulingPriority", "KeyringMode"));
        Assert.Equal(0, Cli.Run(root, "stop", "attrs.service").ExitCode);
    }

    [Fact]
    public async Task The_exec_helper_applies_the_same_attributes()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        var (read, write) = ChildStdio.CreatePipe();
        read.Dispose();
        SpawnedProcess process;
        using (write)
        {
            process = ProcessSpawner.Spawn(new SpawnRequest
            {
                Path = "/bin/sleep",
                Argv = ["sleep", "1000"],
                Environment = ["PATH=/usr/bin:/bin"],
                Stdout = write,
                ExecHelper = ExecHelper.Self(SummonBinary.Path, ExecHelper.SelfVerb),
                Attributes = new ProcessAttributes
                {
                    OomScoreAdjust = 321, Cpus = [0], SchedulingPolicy = 2, SchedulingPriority = 7, SchedulingResetOnFork = true,
                    IoPriority = (2 << 13) | 6,
                },
                NewSessionKeyring = true,
            });
        }

        using (process)
        {
            try
            {
                Assert.Equal("sleep", await Wait.ForAsync(() => ProcFs.Stat(process.Pid)?.Comm, c => c == "sleep"));
                AssertAttributes(process.Pid);
            }
            finally
            {
                process.Signal(Summon.Posix.Signals.SIGKILL);
                process.WaitForExit();
                process.TryReap(out _);
            }
        }
    }

    [Theory]
    [InlineData("CPUAffinity=1000", "215/CPUAFFINITY", "CPUAFFINITY", "Invalid argument")]
    [InlineData("CPUSchedulingPolicy=other\nCPUSchedulingPriority=5", "214/SETSCHEDULER", "SETSCHEDULER", "Invalid argument")]
    public async Task A_step_the_kernel_refuses_fails_the_start_with_systemds_status(string lines, string status, string step, string error)
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.WriteUnit("refused.service", $"[Service]\nType=exec\nExecStart=/bin/true\n{lines}\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "refused.service");
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "refused.service"), s => s == "failed"));
        Dictionary<string, string> show = Cli.Show(root, "refused.service", "ExecMainCode", "ExecMainStatus", "Result");
        Assert.Equal(("1", status[..3], "exit-code"), (show["ExecMainCode"], show["ExecMainStatus"], show["Result"]));
        string journal = await Wait.ForAsync(
            () => Cli.Run(root, "journal", "-u", "refused.service", "--no-pager").StdOut,
            j => j.Contains("Failed at step", StringComparison.Ordinal));
        Assert.Contains($"refused.service: Failed at step {step} spawning /bin/true: {error}", journal, StringComparison.Ordinal);
        Assert.Contains($"status={status}", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Personality_x86_makes_uname_say_i686()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return;
        using var root = new TempRoot();
        string output = Path.Combine(root.Dir, "uname");
        root.WriteUnit("arch.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'uname -m > {output}'\nPersonality=x86\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "arch.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("i686", File.ReadAllText(output).Trim());
        Assert.Equal("x86", Cli.ShowOne(root, "arch.service", "Personality"));
    }

    [Fact]
    public async Task ExecSearchPath_finds_a_bare_name_there_and_is_the_services_PATH()
    {
        using var root = new TempRoot();
        string bin = Path.Combine(root.Dir, "tools");
        string output = Path.Combine(root.Dir, "path");
        root.WriteFile("tools/where-am-i", $"#!/bin/sh\necho \"$0 $PATH\" > {output}\n", executable: true);
        root.WriteUnit("search.service", $"[Service]\nType=oneshot\nExecStart=where-am-i\nExecSearchPath={bin}:/usr/bin:/bin\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "search.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal($"{bin}/where-am-i {bin}:/usr/bin:/bin", File.ReadAllText(output).Trim());
        Assert.Equal($"{bin} /usr/bin /bin", Cli.ShowOne(root, "search.service", "ExecSearchPath"));
    }

    [Theory]
    [InlineData("", "Securebits: [none]", false, "50000")]
    [InlineData("SecureBits=noroot no-setuid-fixup\nKeyringMode=private\nTimerSlackNSec=1234567", "Securebits: noroot,no_setuid_fixup", false, "1234567")]
    [InlineData("KeyringMode=inherit\nTimerSlackNSec=2ms", "Securebits: [none]", true, "2000000")]
    public async Task SecureBits_timer_slack_and_the_session_keyring_are_the_services_own(string lines, string securebits, bool sameKeyring, string slack)
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/python3"))
            return;
        using var root = new TempRoot();
        string output = Path.Combine(root.Dir, "out");
        root.WriteUnit("bits.service", $"""
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'setpriv --dump | grep Securebits > {output}; python3 -c "{KeyringScript}" >> {output}; cat /proc/self/timerslack_ns >> {output}'
            {lines}
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "bits.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        string[] seen = File.ReadAllLines(output);
        Assert.Equal(securebits, seen[0]);
        // The daemon inherited this test's session keyring: KeyringMode=private (the default) gives the service a new one.
        Assert.Equal(sameKeyring, seen[1] == SessionKeyring());
        // Not for a realtime policy: the kernel gives those no timer slack.
        Assert.Equal(slack, seen[2]);
        Assert.Equal(slack, Cli.ShowOne(root, "bits.service", "TimerSlackNSec"));
    }

    /// <summary>Prints the caller's session keyring: keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0).</summary>
    private const string KeyringScript = "import ctypes; print(ctypes.CDLL(None).syscall(250, 0, -3, 0))";

    private static string SessionKeyring() => Command.Run("/usr/bin/python3", ["-c", KeyringScript]).StdOut.Trim();

    [Fact]
    public async Task StandardInput_tty_opens_TTYPath_as_the_controlling_terminal()
    {
        if (!File.Exists("/usr/bin/socat"))
            return;
        using var root = new TempRoot();
        string tty = Path.Combine(root.Dir, "tty"), seen = Path.Combine(root.Dir, "seen");
        // socat holds the pseudo-terminal's master and copies what the service writes on the terminal into a file.
        using var socat = System.Diagnostics.Process.Start("/usr/bin/socat", ["-u", $"PTY,link={tty},rawer", $"OPEN:{seen},creat"])!;
        try
        {
            Assert.True(await Wait.UntilAsync(() => File.Exists(tty)), "socat made no terminal");
            string script = root.WriteFile("tools/on-tty", "#!/bin/sh\necho \"stdin=$(readlink /proc/$$/fd/0) stdout=$(readlink /proc/$$/fd/1)\"\nset -- $(cat /proc/$$/stat)\necho \"tty_nr=$7\"\n", executable: true);
            root.WriteUnit("tty.service", $"[Service]\nType=oneshot\nExecStart={script}\nStandardInput=tty\nTTYPath={tty}\nTTYReset=yes\n");
            using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

            CommandResult start = Cli.Run(root, "start", "tty.service");
            Assert.True(start.ExitCode == 0, start.ToString());
            string pts = new FileInfo(tty).LinkTarget!;
            string text = await Wait.ForAsync(() => File.Exists(seen) ? File.ReadAllText(seen) : "", t => t.Contains("tty_nr=", StringComparison.Ordinal));
            Assert.Contains($"stdin={pts} stdout={pts}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("tty_nr=0\r", text, StringComparison.Ordinal);   // 0 would be "no controlling terminal"
            Assert.Equal(("tty", tty, "yes"), (Cli.ShowOne(root, "tty.service", "StandardInput"), Cli.ShowOne(root, "tty.service", "TTYPath"), Cli.ShowOne(root, "tty.service", "TTYReset")));
        }
        finally
        {
            socat.Kill();
            socat.WaitForExit();
        }
    }

    [OracleFact]
    public void Summon_verify_words_bad_values_as_systemd_analyze_does()
    {
        string[] lines =
        [
            "OOMScoreAdjust=2000", "OOMScoreAdjust=abc", "OOMScoreAdjust=-1000", "CPUSchedulingPolicy=foo", "CPUSchedulingPolicy=3",
            "CPUSchedulingPriority=100", "CPUSchedulingPriority=x", "CPUSchedulingPriority=", "CPUSchedulingResetOnFork=maybe",
            "IOSchedulingClass=bogus", "IOSchedulingClass=5", "IOSchedulingClass=idle", "IOSchedulingPriority=8",
            "Personality=sparc", "Personality=x86", "Personality=arm64", "TimerSlackNSec=zz", "TimerSlackNSec=",
            "TimerSlackNSec=10us", "SecureBits=keep-caps bogus", "KeyringMode=foo", "KeyringMode=", "KeyringMode=shared",
            "CPUAffinity=0-1 zz", "CPUAffinity=9000", "CPUAffinity=3-1", "CPUAffinity=-1", "CPUAffinity=0,1 2",
            "CPUAffinity=numa", "NUMAPolicy=foo", "NUMAPolicy=bind", "NUMAMask=zz", "NUMAMask=0-1", "TTYPath=relative",
            "TTYPath=/dev/tty1", "TTYReset=perhaps", "ExecSearchPath=rel:/usr/bin", "ExecSearchPath=",
        ];
        using var root = new TempRoot();
        string dir = Path.Combine(root.Dir, "gen");
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string file = Path.Combine(dir, $"a{i}.service");
            File.WriteAllText(file, $"[Service]\nExecStart=/bin/true\n{lines[i]}\n");
            files.Add(file);
        }

        CommandResult oracle = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["verify", .. files], root.Environment);
        CommandResult ours = Command.Run(SummonBinary.Path, ["verify", .. files], root.Environment);
        string[] Lines(CommandResult r) => [.. r.StdErrLines.Where(l => !l.Contains("Summon does not support ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(Lines(oracle), Lines(ours));
        Assert.Equal(oracle.ExitCode, ours.ExitCode);
    }

    /// <summary>What the kernel shows of a process started with <see cref="Attributes"/>.</summary>
    private static void AssertAttributes(int pid)
    {
        Assert.Equal("321", File.ReadAllText($"/proc/{pid}/oom_score_adj").Trim());
        Dictionary<string, string> status = File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1].Trim(' ', '\t'));
        Assert.Equal("0", status["Cpus_allowed_list"]);
        string chrt = Command.Run("chrt", ["-p", pid.ToString(CultureInfo.InvariantCulture)]).StdOut;
        Assert.Contains("scheduling policy: SCHED_RR|SCHED_RESET_ON_FORK", chrt, StringComparison.Ordinal);
        Assert.Contains("scheduling priority: 7", chrt, StringComparison.Ordinal);
        Assert.Equal("best-effort: prio 6", Command.Run("ionice", ["-p", pid.ToString(CultureInfo.InvariantCulture)]).StdOut.Trim());
    }

    private static async Task<int> StartAndWaitForExecAsync(TempRoot root, string unit, string comm)
    {
        CommandResult start = Cli.Run(root, "start", unit);
        Assert.True(start.ExitCode == 0, start.ToString());
        string main = await Wait.ForAsync(() => Cli.ShowOne(root, unit, "MainPID"), p => p != "0");
        int pid = int.Parse(main, CultureInfo.InvariantCulture);
        Assert.Equal(comm, await Wait.ForAsync(() => ProcFs.Stat(pid)?.Comm, c => c == comm));
        return pid;
    }
}
