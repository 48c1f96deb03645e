using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Service execution with systemctl semantics: Type=, results and exit statuses, Restart=, ExecStartPre=, the
/// environment and $VAR expansion, WorkingDirectory=, StandardOutput=file:/append:/truncate:, stopping with
/// KillSignal=/TimeoutStopSec=, and the verbs reload, kill and reset-failed.
/// </summary>
public sealed class ServiceExecTests
{
    private const string Service = "job.service";

    private static async Task<DaemonProcess> DaemonWithAsync(TempRoot root, string serviceBody, string description = "Test job")
    {
        root.WriteUnit(Service, $"[Unit]\nDescription={description}\n\n[Service]\n{serviceBody}\n");
        return await DaemonProcess.StartAsync(root);
    }

    /// <summary>A file listen-check writes (-k signals) or "" while it does not exist, so assertions show the difference.</summary>
    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    private static Task AssertJournalAsync(TempRoot root, DaemonProcess daemon, string message) =>
        AcceptTests.AssertJournalHasAsync(root, Service, message, daemon.Pid);

    [Fact]
    public async Task Oneshot_start_waits_for_the_process_and_leaves_the_unit_inactive()
    {
        using var root = new TempRoot();
        string marker = Path.Combine(root.Dir, "ran");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"Type=oneshot\nExecStart=/bin/sh -c 'echo ran > {marker}'");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start is { ExitCode: 0, StdOut: "", StdErr: "" }, start.ToString());
        // systemctl start returns once a oneshot has finished: the file is there without waiting.
        Assert.Equal("ran\n", File.ReadAllText(marker));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "inactive", ["SubState"] = "dead", ["Result"] = "success", ["ExecMainStatus"] = "0", ["MainPID"] = "0" },
            Cli.Show(root, Service, "ActiveState", "SubState", "Result", "ExecMainStatus", "MainPID"));
        await AssertJournalAsync(root, daemon, "Finished job.service - Test job.");
    }

    [Fact]
    public async Task Oneshot_with_RemainAfterExit_is_active_exited()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonWithAsync(root, "Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true");

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        CommandResult status = StatusText.Of(root, Service);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("active (exited)", StatusText.Active(status));
        Assert.Equal(("active", "exited"), (Cli.ShowOne(root, Service, "ActiveState"), Cli.ShowOne(root, Service, "SubState")));
    }

    [Fact]
    public async Task Failing_main_process_fails_the_unit_with_exit_code_and_reset_failed_clears_it()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonWithAsync(root, "Type=oneshot\nExecStart=/bin/sh -c 'exit 1'");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["SubState"] = "failed", ["Result"] = "exit-code", ["ExecMainStatus"] = "1" },
            Cli.Show(root, Service, "ActiveState", "SubState", "Result", "ExecMainStatus"));
        CommandResult status = StatusText.Of(root, Service);
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Equal("failed (Result: exit-code)", StatusText.Active(status));
        Assert.StartsWith("× job.service - Test job", status.StdOutLines[0]);
        await AssertJournalAsync(root, daemon, "job.service: Main process exited, code=exited, status=1/FAILURE");
        await AssertJournalAsync(root, daemon, "job.service: Failed with result 'exit-code'.");
        CommandResult isFailed = Cli.Run(root, "is-failed", Service);
        Assert.True(isFailed is { ExitCode: 0, StdOut: "failed\n" }, isFailed.ToString());

        CommandResult reset = Cli.Run(root, "reset-failed", Service);
        Assert.True(reset is { ExitCode: 0, StdOut: "", StdErr: "" }, reset.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "inactive", ["Result"] = "success" },
            Cli.Show(root, Service, "ActiveState", "Result"));
        Assert.Equal(1, Cli.Run(root, "is-failed", Service).ExitCode);
    }

    public static TheoryData<string, string, string, string> ExitStatuses => new()
    {
        // exit code of the shell, SuccessExitStatus=, expected Result, ActiveState
        { "0", "", "success", "inactive" },
        { "3", "", "exit-code", "failed" },
        { "3", "SuccessExitStatus=3", "success", "inactive" },
        { "42", "SuccessExitStatus=3 42 SIGUSR1", "success", "inactive" },
        { "4", "SuccessExitStatus=3 42", "exit-code", "failed" },
    };

    [Theory]
    [MemberData(nameof(ExitStatuses))]
    public async Task SuccessExitStatus_decides_the_result(string code, string successExitStatus, string result, string activeState)
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonWithAsync(root, $"Type=oneshot\nExecStart=/bin/sh -c 'exit {code}'\n{successExitStatus}");

        Cli.Run(root, "start", Service);
        Assert.Equal(
            new Dictionary<string, string> { ["Result"] = result, ["ActiveState"] = activeState, ["ExecMainStatus"] = code },
            Cli.Show(root, Service, "Result", "ActiveState", "ExecMainStatus"));
    }

    [Fact]
    public async Task Simple_service_runs_with_its_main_pid_and_the_systemd_environment()
    {
        using var root = new TempRoot();
        string report = Path.Combine(root.Dir, "report");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"ExecStart={TestPrograms.ListenCheck} -r {report} -e MAINPID -e JOURNAL_STREAM");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start is { ExitCode: 0, StdOut: "", StdErr: "" }, start.ToString());
        ListenReport seen = await ListenReport.FromFileAsync(report);
        Assert.True(seen.Check == "ok", seen.Text);
        Assert.Equal([0, 1, 2], seen.OpenFds);
        Assert.Equal(("", "", seen["PID"]), (seen["LISTEN_FDS"], seen["LISTEN_PID"], seen["SYSTEMD_EXEC_PID"]));
        Assert.Equal(Cli.ShowOne(root, Service, "InvocationID"), seen["INVOCATION_ID"]);
        Assert.Matches("^[0-9]+:[0-9]+$", seen["ENV_JOURNAL_STREAM"]);   // stdout goes to the journal: dev:inode
        Assert.Equal("(missing)", seen["ENV_MAINPID"]);                  // only ExecStop=/ExecReload= get $MAINPID

        CommandResult status = StatusText.Of(root, Service);
        Assert.Equal("active (running)", StatusText.Active(status));
        Assert.Equal($"{seen.Pid} (listen-check)", StatusText.Field(status, "Main PID"));
        Assert.Equal(seen["PID"], Cli.ShowOne(root, Service, "MainPID"));
        await AssertJournalAsync(root, daemon, "Started job.service - Test job.");

        // stdout went to the journal under the service, with the service's pid.
        List<JournalLine> lines = await Wait.ForAsync(
            () => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut),
            l => l.Any(j => j.Message == "CHECK=ok"));
        JournalLine check = Assert.Single(lines, j => j.Message == "CHECK=ok");
        Assert.Equal(("listen-check", seen.Pid), (check.Identifier, check.Pid));

        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
        Assert.Equal(("inactive", "success"), (Cli.IsActive(root, Service), Cli.ShowOne(root, Service, "Result")));
        await AssertJournalAsync(root, daemon, "Stopped job.service - Test job.");
    }

    [Theory]
    [InlineData("simple", 0)]   // simple counts as started once forked: start succeeds, the unit fails after
    [InlineData("exec", 1)]     // exec waits for execve: start fails
    public async Task Missing_executable_fails_with_203_EXEC(string type, int startExitCode)
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonWithAsync(root, $"Type={type}\nExecStart=/nonexistent/program");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == startExitCode, start.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "exit-code", ["ExecMainStatus"] = "203" },
            await Wait.ForAsync(() => Cli.Show(root, Service, "ActiveState", "Result", "ExecMainStatus"), p => p["ActiveState"] == "failed"));
        await AssertJournalAsync(root, daemon, "job.service: Failed at step EXEC spawning /nonexistent/program: No such file or directory");
        await AssertJournalAsync(root, daemon, "job.service: Main process exited, code=exited, status=203/EXEC");
    }

    [Fact]
    public async Task Restart_on_failure_restarts_after_RestartSec_until_the_process_keeps_running()
    {
        using var root = new TempRoot();
        string runs = Path.Combine(root.Dir, "runs");
        // Fails on its first two runs, then stays up.
        string script = root.WriteFile("bin/flaky.sh",
            $"#!/bin/sh\necho run >> {runs}\n[ \"$(wc -l < {runs})\" -ge 3 ] && exec sleep infinity\nexit 1\n", executable: true);
        using DaemonProcess daemon = await DaemonWithAsync(root, $"ExecStart=/bin/sh {script}\nRestart=on-failure\nRestartSec=100ms");

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Dictionary<string, string> settled = await Wait.ForAsync(
            () => Cli.Show(root, Service, "ActiveState", "SubState", "NRestarts"),
            p => p["NRestarts"] == "2" && p["SubState"] == "running");
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running", ["NRestarts"] = "2" },
            settled);
        // Type=simple is running from the fork: the third run may not have written its line or exec'd sleep yet.
        Assert.Equal("sleep", await Wait.ForAsync(() => ProcFs.Stat(int.Parse(Cli.ShowOne(root, Service, "MainPID")))?.Comm, comm => comm == "sleep"));
        Assert.Equal("run\nrun\nrun\n", File.ReadAllText(runs));

        List<string> messages = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Service, "--no-pager").StdOut)
            .Where(j => j.Pid == daemon.Pid).Select(j => j.Message).ToList();
        Assert.Equal(2, messages.Count(m => m == "job.service: Main process exited, code=exited, status=1/FAILURE"));
        Assert.Equal(2, messages.Count(m => m == "job.service: Failed with result 'exit-code'."));
        Assert.Contains("job.service: Scheduled restart job, restart counter is at 1.", messages);
        Assert.Contains("job.service: Scheduled restart job, restart counter is at 2.", messages);
        Assert.DoesNotContain("job.service: Scheduled restart job, restart counter is at 3.", messages);
    }

    [Theory]
    [InlineData("on-failure", "0", "0", "inactive")]
    [InlineData("on-success", "1", "0", "failed")]
    [InlineData("no", "1", "0", "failed")]
    public async Task Restart_policy_leaves_these_exits_alone(string restart, string code, string restarts, string activeState)
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonWithAsync(root, $"ExecStart=/bin/sh -c 'exit {code}'\nRestart={restart}\nRestartSec=100ms");

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Dictionary<string, string> final = await Wait.ForAsync(
            () => Cli.Show(root, Service, "ActiveState", "NRestarts"), p => p["ActiveState"] == activeState);
        Assert.Equal(new Dictionary<string, string> { ["ActiveState"] = activeState, ["NRestarts"] = restarts }, final);
    }

    [Fact]
    public async Task ExecStartPre_runs_first_and_a_dash_ignores_its_failure()
    {
        using var root = new TempRoot();
        string order = Path.Combine(root.Dir, "order");
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"Type=oneshot\nExecStartPre=-/bin/false\nExecStartPre=/bin/sh -c 'echo pre >> {order}'\nExecStart=/bin/sh -c 'echo main >> {order}'");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("pre\nmain\n", File.ReadAllText(order));
        Assert.Equal("success", Cli.ShowOne(root, Service, "Result"));
    }

    [Fact]
    public async Task Failing_ExecStartPre_without_dash_stops_the_start()
    {
        using var root = new TempRoot();
        string marker = Path.Combine(root.Dir, "main-ran");
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"Type=oneshot\nExecStartPre=/bin/sh -c 'exit 2'\nExecStart=/bin/sh -c 'echo yes > {marker}'");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.False(File.Exists(marker));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "exit-code" },
            Cli.Show(root, Service, "ActiveState", "Result"));
        await AssertJournalAsync(root, daemon, "job.service: Control process exited, code=exited, status=2/INVALIDARGUMENT");
    }

    [Fact]
    public async Task Environment_and_EnvironmentFile_reach_the_process_and_expand_in_the_command_line()
    {
        using var root = new TempRoot();
        string report = Path.Combine(root.Dir, "report");
        string args = Path.Combine(root.Dir, "args");
        string envFile = root.WriteFile("env", "# comment\nFROMFILE=file value\nQUOTED=\"q v\"\nGREETING=from-file\n");
        string argScript = root.WriteFile("bin/args.sh", $"#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done > {args}\n", executable: true);
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"Type=oneshot\n"
            + $"EnvironmentFile={envFile}\n"
            + "EnvironmentFile=-/nonexistent/env\n"
            + "Environment=GREETING=hello \"TWO=a b\"\n"
            + "UnsetEnvironment=GONE\nEnvironment=GONE=x\n"
            + $"ExecStartPre={TestPrograms.ListenCheck} -r {report} -x 0 -e GREETING -e TWO -e FROMFILE -e QUOTED -e GONE\n"
            + $"ExecStart=/bin/sh {argScript} $GREETING ${{TWO}} $TWO ${{FROMFILE}} $$literal");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start.ToString() + "\n[log]\n" + daemon.Log);
        ListenReport seen = await ListenReport.FromFileAsync(report);
        // systemd.exec(5): EnvironmentFile= overrides Environment=; UnsetEnvironment= removes after both.
        Assert.Equal(
            ("from-file", "a b", "file value", "q v", "(missing)"),
            (seen["ENV_GREETING"], seen["ENV_TWO"], seen["ENV_FROMFILE"], seen["ENV_QUOTED"], seen["ENV_GONE"]));
        // $VAR splits at whitespace, ${VAR} stays one word, $$ is a literal $.
        Assert.Equal("[from-file]\n[a b]\n[a]\n[b]\n[file value]\n[$literal]\n", File.ReadAllText(args));
    }

    public static TheoryData<string, string> WorkingDirectories => new()
    {
        { "", "/" },                            // a system manager runs services in /
        { "WorkingDirectory=-/nonexistent/dir", "/" },
        { "WorkingDirectory=~", "~" },          // the manager's user's home without User= (/root as root)
    };

    /// <summary>The home directory of the user running the tests (and so the daemon), from /etc/passwd.</summary>
    private static string HomeOfCurrentUser()
    {
        string uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
        return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f.Length > 5 && f[2] == uid)[5];
    }

    [Theory]
    [MemberData(nameof(WorkingDirectories))]
    public async Task WorkingDirectory_sets_the_current_directory(string setting, string expected)
    {
        using var root = new TempRoot();
        string output = Path.Combine(root.Dir, "pwd");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"Type=oneshot\n{setting}\nExecStart=/bin/sh -c 'pwd > {output}'");

        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal((expected == "~" ? HomeOfCurrentUser() : expected) + "\n", File.ReadAllText(output));
    }

    [Fact]
    public async Task WorkingDirectory_given_as_a_path_is_used()
    {
        using var root = new TempRoot();
        string work = Directory.CreateDirectory(Path.Combine(root.Dir, "work")).FullName;
        string output = Path.Combine(root.Dir, "pwd");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"Type=oneshot\nWorkingDirectory={work}\nExecStart=/bin/sh -c 'pwd > {output}'");

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.Equal(work + "\n", File.ReadAllText(output));
    }

    public static TheoryData<string, string> OutputModes => new()
    {
        // file: opens without truncating and writes from the start; append: adds; truncate: replaces.
        { "file", "new\nold-old\n" },
        { "append", "old-old-old\nnew\n" },
        { "truncate", "new\n" },
    };

    [Theory]
    [MemberData(nameof(OutputModes))]
    public async Task StandardOutput_file_modes_write_as_systemd_does(string mode, string expected)
    {
        using var root = new TempRoot();
        string output = root.WriteFile("out.txt", "old-old-old\n");
        string errors = Path.Combine(root.Dir, "err.txt");
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"Type=oneshot\nStandardOutput={mode}:{output}\nStandardError=append:{errors}\nExecStart=/bin/sh -c 'echo new; echo oops >&2'");

        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        Assert.Equal(expected, File.ReadAllText(output));
        Assert.Equal("oops\n", File.ReadAllText(errors));
    }

    [Fact]
    public async Task KillSignal_is_what_stop_sends()
    {
        using var root = new TempRoot();
        string signals = Path.Combine(root.Dir, "signals");
        string report = Path.Combine(root.Dir, "report");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"ExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}\nKillSignal=SIGINT");
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        await ListenReport.FromFileAsync(report);

        CommandResult stop = Cli.Run(root, "stop", Service);
        Assert.True(stop is { ExitCode: 0, StdOut: "", StdErr: "" }, stop.ToString());
        Assert.Equal("SIGINT\n", ReadOrEmpty(signals));
        Assert.Equal(("inactive", "success"), (Cli.IsActive(root, Service), Cli.ShowOne(root, Service, "Result")));
    }

    [Fact]
    public async Task Process_ignoring_KillSignal_is_killed_after_TimeoutStopSec()
    {
        using var root = new TempRoot();
        string signals = Path.Combine(root.Dir, "signals");
        string report = Path.Combine(root.Dir, "report");
        // listen-check notes SIGUSR1 and carries on, so only SIGKILL ends it.
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"ExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}\nKillSignal=SIGUSR1\nTimeoutStopSec=300ms");
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        ListenReport seen = await ListenReport.FromFileAsync(report);

        Cli.Run(root, "stop", Service);
        Assert.Equal("SIGUSR1\n", ReadOrEmpty(signals));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "timeout" },
            await Wait.ForAsync(() => Cli.Show(root, Service, "ActiveState", "Result"), p => p["ActiveState"] != "deactivating"));
        // Only once the unit has left deactivating is the SIGKILLed process certainly reaped (the stop may return first).
        Assert.False(ProcFs.IsAlive(seen.Pid));
        await AssertJournalAsync(root, daemon, "job.service: State 'stop-sigterm' timed out. Killing.");
        await AssertJournalAsync(root, daemon, $"job.service: Killing process {seen.Pid} (listen-check) with signal SIGKILL.");
        await AssertJournalAsync(root, daemon, "job.service: Main process exited, code=killed, status=9/KILL");
        await AssertJournalAsync(root, daemon, "job.service: Failed with result 'timeout'.");
    }

    [Fact]
    public async Task Reload_runs_ExecReload_with_MAINPID_and_keeps_the_process()
    {
        using var root = new TempRoot();
        string signals = Path.Combine(root.Dir, "signals");
        string report = Path.Combine(root.Dir, "report");
        using DaemonProcess daemon = await DaemonWithAsync(root,
            $"ExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}\nExecReload=/bin/kill -HUP $MAINPID");
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        ListenReport seen = await ListenReport.FromFileAsync(report);

        CommandResult reload = Cli.Run(root, "reload", Service);
        Assert.True(reload is { ExitCode: 0, StdOut: "", StdErr: "" }, reload.ToString());
        Assert.Equal("SIGHUP\n", await Wait.ForAsync(() => ReadOrEmpty(signals), s => s.Length > 0));
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running", ["MainPID"] = seen["PID"] },
            Cli.Show(root, Service, "ActiveState", "SubState", "MainPID"));
        await AssertJournalAsync(root, daemon, "Reloaded job.service - Test job.");
    }

    [Fact]
    public async Task Kill_sends_the_chosen_signal_to_the_service()
    {
        using var root = new TempRoot();
        string signals = Path.Combine(root.Dir, "signals");
        string report = Path.Combine(root.Dir, "report");
        using DaemonProcess daemon = await DaemonWithAsync(root, $"ExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}");
        Assert.Equal(0, Cli.Run(root, "start", Service).ExitCode);
        ListenReport seen = await ListenReport.FromFileAsync(report);

        // kill -s SIGUSR2: noted, the service runs on.
        CommandResult usr2 = Cli.Run(root, "kill", "-s", "SIGUSR2", Service);
        Assert.True(usr2 is { ExitCode: 0, StdOut: "", StdErr: "" }, usr2.ToString());
        Assert.Equal("SIGUSR2\n", await Wait.ForAsync(() => ReadOrEmpty(signals), s => s.Length > 0));
        Assert.Equal("active", Cli.IsActive(root, Service));

        // kill without -s sends SIGTERM: listen-check exits 0, which is a clean stop, not a failure.
        CommandResult term = Cli.Run(root, "kill", Service);
        Assert.True(term is { ExitCode: 0, StdOut: "", StdErr: "" }, term.ToString());
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, Service), s => s == "inactive"));
        Assert.Equal("SIGUSR2\nSIGTERM\n", ReadOrEmpty(signals));
        Assert.False(ProcFs.IsAlive(seen.Pid));
        Assert.Equal("success", Cli.ShowOne(root, Service, "Result"));
    }
}
