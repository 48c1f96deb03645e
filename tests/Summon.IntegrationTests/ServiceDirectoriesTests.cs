using System.Globalization;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// RuntimeDirectory= and its kin run by the published binary (issue 13, directories): made before the service runs,
/// owned by its User= with the mode asked for, holding its pid file, named in $RUNTIME_DIRECTORY, removed after stop while
/// StateDirectory= stays, kept over a restart with RuntimeDirectoryPreserve=restart, and a directory that cannot be made
/// failing the start with systemd's status and line. Everything lives under the test's SUMMON_DIRECTORY_ROOT. Needs root.
/// </summary>
public sealed class ServiceDirectoriesTests
{
    private static TempRoot Root()
    {
        var root = new TempRoot();
        root.SetEnvironment("SUMMON_DIRECTORY_ROOT", Path.Combine(root.Dir, "dirs"));
        return root;
    }

    [Fact]
    public async Task A_forking_service_as_nobody_keeps_its_pid_file_in_its_runtime_directory_which_goes_at_stop_while_its_state_stays()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = Root();
        string run = Path.Combine(root.Dir, "dirs/run/dird"), state = Path.Combine(root.Dir, "dirs/var/lib/dird");
        root.WriteUnit("dird.service", """
            [Service]
            Type=forking
            User=nobody
            RuntimeDirectory=dird
            RuntimeDirectoryMode=0750
            StateDirectory=dird
            PIDFile=%t/dird/pid
            ExecStart=/bin/sh -c 'echo "$RUNTIME_DIRECTORY $STATE_DIRECTORY" > "$STATE_DIRECTORY/env"; sleep 1000 & echo $! > "$RUNTIME_DIRECTORY/pid"'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "dird.service");
        Assert.True(start.ExitCode == 0, start.ToString() + daemon.Log);
        string main = Cli.ShowOne(root, "dird.service", "MainPID");
        Assert.Equal(File.ReadAllText(Path.Combine(run, "pid")).Trim(), main);
        // The pid file names the forked child at once; it is "sleep" once it has exec'd (a moment later on a busy machine).
        Assert.Equal("sleep", await Wait.ForAsync(() => ProcFs.Stat(int.Parse(main, CultureInfo.InvariantCulture))?.Comm, c => c == "sleep"));
        Assert.Equal($"{run} {state}", File.ReadAllText(Path.Combine(state, "env")).Trim());
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(run));
        Assert.Equal((65534, 65534), Owner(run));
        Assert.Equal((65534, 65534), Owner(state));

        Dictionary<string, string> show = Cli.Show(root, "dird.service", "RuntimeDirectory", "RuntimeDirectoryMode", "StateDirectory", "RuntimeDirectoryPreserve");
        Assert.Equal(("dird", "0750", "dird", "no"), (show["RuntimeDirectory"], show["RuntimeDirectoryMode"], show["StateDirectory"], show["RuntimeDirectoryPreserve"]));

        Assert.Equal(0, Cli.Run(root, "stop", "dird.service").ExitCode);
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists(run)), daemon.Log);   // removed off the loop, once dead
        Assert.True(File.Exists(Path.Combine(state, "env")));
    }

    [Fact]
    public async Task RuntimeDirectoryPreserve_restart_keeps_what_the_service_left_over_a_restart_but_not_over_a_stop()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = Root();
        string run = Path.Combine(root.Dir, "dirs/run/keep");
        root.WriteUnit("keep.service", """
            [Service]
            RuntimeDirectory=keep
            RuntimeDirectoryPreserve=restart
            ExecStart=/bin/sh -c 'echo $$ >> "$RUNTIME_DIRECTORY/starts"; exec sleep 1000'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", "keep.service").ExitCode);
        Assert.True(await Wait.UntilAsync(() => File.Exists(Path.Combine(run, "starts"))));
        Assert.Equal(0, Cli.Run(root, "restart", "keep.service").ExitCode);
        Assert.True(await Wait.UntilAsync(() => File.ReadAllLines(Path.Combine(run, "starts")).Length == 2), daemon.Log);
        Assert.Equal(0, Cli.Run(root, "stop", "keep.service").ExitCode);
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists(run)), daemon.Log);
    }

    [Fact]
    public async Task A_state_directory_that_cannot_be_made_fails_the_start_with_238_STATE_DIRECTORY_and_systemds_line()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = Root();
        root.WriteFile("dirs/var/lib", "a file where /var/lib should be");
        root.WriteUnit("nostate.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nStateDirectory=s\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "nostate.service");
        Assert.NotEqual(0, start.ExitCode);
        Dictionary<string, string> show = Cli.Show(root, "nostate.service", "ActiveState", "ExecMainStatus", "Result");
        Assert.Equal(("failed", "238", "exit-code"), (show["ActiveState"], show["ExecMainStatus"], show["Result"]));
        string status = Cli.Run(root, "status", "nostate.service").StdOut;
        Assert.Contains("status=238/STATE_DIRECTORY", status, StringComparison.Ordinal);
        Assert.Contains($"nostate.service: Failed to set up special execution directory in {root.Dir}/dirs/var/lib: Not a directory", daemon.Log, StringComparison.Ordinal);
        Assert.Contains("nostate.service: Failed at step STATE_DIRECTORY spawning /bin/true: Not a directory", daemon.Log, StringComparison.Ordinal);
    }

    private static (long Uid, long Gid) Owner(string path)
    {
        // stat(1) keeps the test free of its own native calls.
        CommandResult stat = Command.Run("/usr/bin/stat", ["-c", "%u %g", path]);
        string[] ids = stat.StdOut.Trim().Split(' ');
        return (long.Parse(ids[0], CultureInfo.InvariantCulture), long.Parse(ids[1], CultureInfo.InvariantCulture));
    }
}
