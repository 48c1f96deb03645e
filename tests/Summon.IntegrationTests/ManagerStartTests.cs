using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// How a manager starts, or refuses to: one manager per runtime and state directory (a lock taken before anything in
/// them is touched), directories nobody else can write to, and every failure to start one line with exit code 1
/// (systemd's EXIT_FAILURE), never a stack trace.
/// </summary>
public sealed class ManagerStartTests
{
    private const string Service = "notify.service";

    private static string NotifyService(TempRoot root) =>
        $"[Service]\nType=notify\nExecStart={TestPrograms.ListenCheck} -r {root.Dir}/report -N READY=1\n";

    private static void AssertOneLine(CommandResult result)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StdErr, StringComparison.Ordinal);
        Assert.True(CommandResult.SplitLines(result.StdErr).Count() == 1, result.ToString());
    }

    private static Dictionary<string, string> With(TempRoot root, params (string Key, string Value)[] changes)
    {
        var env = root.Environment.ToDictionary(e => e.Key, e => e.Value);
        foreach ((string key, string value) in changes)
            env[key] = value;
        return env;
    }

    [Fact]
    public async Task A_second_manager_is_refused_before_it_touches_the_first_ones_notify_socket()
    {
        using var root = new TempRoot();
        root.WriteUnit(Service, NotifyService(root));
        using DaemonProcess first = await DaemonProcess.StartAsync(root);
        CommandResult start = Cli.Run(root, "start", Service);
        Assert.True(start is { ExitCode: 0, StdErr: "" }, start.ToString());
        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
        string notify = Path.Combine(root.RuntimeDir, "notify");
        long inode = Inode(notify);

        CommandResult second = Command.Run(SummonBinary.Path, ["daemon"], root.Environment, timeout: TimeSpan.FromSeconds(20));

        // The first manager's Type=notify services still get their READY=1 through its own notify socket.
        CommandResult again = Cli.Run(root, "start", Service);
        Assert.True(again is { ExitCode: 0, StdErr: "" }, again.ToString());
        Assert.Equal("active", Cli.IsActive(root, Service));
        Assert.Equal(inode, Inode(notify));
        Assert.False(first.HasExited);

        AssertOneLine(second);
        Assert.Equal(
            $"Another summon manager is running with the runtime directory {root.RuntimeDir} (it holds {root.RuntimeDir}/lock): "
            + "stop it first, or give this one its own SUMMON_RUNTIME_DIR and SUMMON_STATE_DIR.\n",
            second.StdErr);
    }

    [Fact]
    public async Task A_second_manager_on_the_same_state_directory_is_refused()
    {
        using var root = new TempRoot();
        using DaemonProcess first = await DaemonProcess.StartAsync(root);
        string otherRuntime = Path.Combine(root.Dir, "run2");

        CommandResult second = Command.Run(SummonBinary.Path, ["daemon"], With(root, ("SUMMON_RUNTIME_DIR", otherRuntime)), timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(second);
        Assert.StartsWith($"Another summon manager is running with the state directory {root.StateDir} ", second.StdErr);
        Assert.False(File.Exists(Path.Combine(otherRuntime, "control")));
    }

    [Fact]
    public async Task A_second_demo_prints_nothing_of_its_own_and_leaves_the_running_demos_units_alone()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        var env = With(root, ("XDG_RUNTIME_DIR", root.Dir));
        // env execs the demo: the harness's daemon is the demo itself, with the demo's directories under the root.
        using DaemonProcess first = await DaemonProcess.StartAsync(
            root, "/usr/bin/env", [$"XDG_RUNTIME_DIR={root.Dir}", SummonBinary.Path, "demo", "--port", port.ToString()], waitReady: false);
        string units = Path.Combine(root.Dir, "summon-demo", "units");
        string socketUnit = Path.Combine(units, "demo-echo.socket");
        string control = Path.Combine(root.Dir, "summon-demo", "run", "control");
        Assert.True(await Wait.UntilAsync(() => File.Exists(control), DaemonProcess.ReadyTimeout), first.Log);
        DateTime written = File.GetLastWriteTimeUtc(socketUnit);
        long inode = Inode(socketUnit);

        CommandResult second = Command.Run(SummonBinary.Path, ["demo", "--port", FreePort.Tcp().ToString()], env, timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(second);
        Assert.StartsWith("Another summon manager is running with the runtime directory ", second.StdErr);
        Assert.Equal("", second.StdOut);
        Assert.Equal((inode, written), (Inode(socketUnit), File.GetLastWriteTimeUtc(socketUnit)));
        Assert.Contains($"127.0.0.1:{port}", File.ReadAllText(socketUnit));
        Assert.False(first.HasExited);
    }

    [RootFact]
    public void The_tmp_fallback_runtime_directory_squatted_by_another_user_is_refused()
    {
        using var root = new TempRoot();
        // Without XDG_RUNTIME_DIR a user manager falls back to $TMPDIR/summon-UID: somebody else made it first, for all.
        string squatted = Path.Combine(root.Dir, "summon-0");
        Directory.CreateDirectory(squatted);
        File.SetUnixFileMode(squatted, (UnixFileMode)0b111_111_111);
        Assert.Equal(0, Command.Run("chown", ["nobody:nogroup", squatted]).ExitCode);
        var env = root.Environment.Where(e => e.Key != "SUMMON_RUNTIME_DIR").ToDictionary(e => e.Key, e => e.Value);
        env["TMPDIR"] = root.Dir;

        CommandResult refused = Command.Run(SummonBinary.Path, ["--user", "daemon"], env, timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(refused);
        Assert.Equal(
            $"Refusing the runtime directory {squatted}: it belongs to uid 65534, not to uid 0, and group or others may write to it (mode 0777). "
            + "Remove it, or set SUMMON_RUNTIME_DIR to a directory of your own.\n",
            refused.StdErr);
        Assert.Empty(Directory.GetFileSystemEntries(squatted));
    }

    [Fact]
    public void A_world_writable_state_directory_is_refused_and_a_new_one_is_created_private()
    {
        using var root = new TempRoot();
        File.SetUnixFileMode(root.StateDir, (UnixFileMode)0b111_111_111);
        CommandResult refused = Command.Run(SummonBinary.Path, ["daemon"], root.Environment, timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(refused);
        Assert.Equal(
            $"Refusing the state directory {root.StateDir}: group or others may write to it (mode 0777). "
            + "Remove it, or set SUMMON_STATE_DIR to a directory of your own.\n",
            refused.StdErr);
        Assert.Empty(Directory.GetFileSystemEntries(root.StateDir));
        Assert.Empty(Directory.GetFileSystemEntries(root.RuntimeDir));
    }

    [Fact]
    public async Task Missing_runtime_and_state_directories_are_created_private()
    {
        using var root = new TempRoot();
        Directory.Delete(root.RuntimeDir);
        Directory.Delete(root.StateDir);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["--user", "daemon"], waitReady: true);
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal((Private, Private), (File.GetUnixFileMode(root.RuntimeDir), File.GetUnixFileMode(root.StateDir)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root.RuntimeDir, "lock")));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [RootFact]
    public void A_system_manager_started_by_another_user_says_it_needs_root()
    {
        using var root = new TempRoot();
        CommandResult refused = Command.Run(
            "setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", SummonBinary.Path, "daemon", "--system"],
            With(root, ("SUMMON_RUNTIME_DIR", "/run/summon-it-never"), ("SUMMON_STATE_DIR", "/var/lib/summon-it-never")),
            timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(refused);
        Assert.Equal("A system manager needs root (this is uid 65534): run it as root, or use --user for a manager of your own.\n", refused.StdErr);
        Assert.False(Directory.Exists("/run/summon-it-never"));
    }

    [RootFact]
    public void A_state_directory_that_cannot_be_created_is_one_line()
    {
        using var root = new TempRoot();
        // nobody may enter the root (0755, owned by root) but not write in it.
        File.SetUnixFileMode(root.Dir, (UnixFileMode)0b111_101_101);
        string run = Path.Combine("/tmp", $"summon-it-nobody-{Guid.NewGuid():N}");
        string state = Path.Combine(root.Dir, "cannot", "state");
        try
        {
            CommandResult refused = Command.Run(
                "setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", SummonBinary.Path, "--user", "daemon"],
                With(root, ("SUMMON_RUNTIME_DIR", run), ("SUMMON_STATE_DIR", state), ("HOME", "/nonexistent")),
                timeout: TimeSpan.FromSeconds(20));
            AssertOneLine(refused);
            Assert.Equal($"Cannot create the state directory {state}: Permission denied. Set SUMMON_STATE_DIR to a directory you can write.\n", refused.StdErr);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public void A_runtime_directory_that_is_a_file_is_one_line()
    {
        using var root = new TempRoot();
        string file = root.WriteFile("not-a-dir", "");
        CommandResult refused = Command.Run(SummonBinary.Path, ["daemon"], With(root, ("SUMMON_RUNTIME_DIR", file)), timeout: TimeSpan.FromSeconds(20));
        AssertOneLine(refused);
        Assert.StartsWith($"Cannot create the runtime directory {file}: ", refused.StdErr);
    }

    [Fact]
    public void The_binary_without_what_the_publish_put_beside_it_fails_in_one_line_or_works()
    {
        using var root = new TempRoot();
        string alone = Path.Combine(root.Dir, "alone", "summon");
        Directory.CreateDirectory(Path.GetDirectoryName(alone)!);
        File.Copy(SummonBinary.Path, alone);
        File.SetUnixFileMode(alone, (UnixFileMode)0b111_101_101);

        foreach (string[] arguments in (string[][])[["daemon"], ["journal", "--no-pager"]])
        {
            CommandResult result = Command.Run("timeout", ["--preserve-status", "-s", "TERM", "3", alone, .. arguments], root.Environment, timeout: TimeSpan.FromSeconds(20));
            Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", result.StdErr, StringComparison.Ordinal);
            if (result.ExitCode == 1)
                Assert.Matches(@"^summon needs the library \S+, which is not beside it nor on the library path: .+\n$", result.StdErr);
        }
    }

    private static long Inode(string path)
    {
        CommandResult stat = Command.Run("stat", ["-c", "%i", path]);
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return long.Parse(stat.StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
