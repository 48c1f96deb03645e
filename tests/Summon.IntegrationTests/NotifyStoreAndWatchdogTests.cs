using System.Globalization;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// sd_notify beyond readiness: WATCHDOG=1 with WatchdogSec= (a silent service is aborted with Result=watchdog) and
/// the fd store (FDSTORE=1/FDNAME= keeps an fd across a restart and hands it back after the socket fds).
/// </summary>
public sealed class NotifyStoreAndWatchdogTests
{
    [Fact]
    public async Task Service_that_stops_pinging_the_watchdog_fails_with_result_watchdog()
    {
        using var root = new TempRoot();
        root.WriteUnit("dog.service", """
            [Service]
            Type=notify
            NotifyAccess=all
            WatchdogSec=1s
            ExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 60'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "dog.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        Dictionary<string, string> final = await Wait.ForAsync(
            () => Cli.Show(root, "dog.service", "ActiveState", "Result"),
            s => s.GetValueOrDefault("ActiveState") == "failed");
        Assert.Equal(new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "watchdog" }, final);
        string journal = Cli.Run(root, "journal", "-u", "dog.service").StdOut;
        Assert.Contains("dog.service: Watchdog timeout (limit 1s)!", journal);
    }

    [Fact]
    public async Task Stored_fd_survives_a_restart_and_comes_back_named()
    {
        using var root = new TempRoot();
        string report = Path.Combine(root.Dir, "report");
        string kept = Path.Combine(root.Dir, "kept");
        string script = root.WriteFile("store.py", $$"""
            import os, socket, sys
            if os.environ.get("LISTEN_FDS"):
                # Second run: the stored file is fd 3, named as it was stored.
                os.write(3, b"still here\n")
                with open("{{report}}", "w") as f:
                    f.write(os.environ["LISTEN_FDS"] + " " + os.environ["LISTEN_FDNAMES"] + " " + os.environ["LISTEN_PID"] + " " + str(os.getpid()))
                sys.exit(0)
            fd = os.open("{{kept}}", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.connect(os.environ["NOTIFY_SOCKET"])
            socket.send_fds(s, [b"FDSTORE=1\nFDNAME=keep"], [fd])
            sys.exit(3)   # fail once: Restart=on-failure brings the service back with its store
            """, executable: false);
        root.WriteUnit("store.service", $"""
            [Service]
            ExecStart=/usr/bin/python3 {script}
            FileDescriptorStoreMax=4
            Restart=on-failure
            RestartSec=100ms
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", "store.service").ExitCode);
        string seen = await Wait.ForAsync(() => File.Exists(report) ? File.ReadAllText(report) : "", s => s.Length > 0);
        string[] fields = seen.Split(' ');
        Assert.Equal(("1", "keep"), (fields[0], fields[1]));
        Assert.Equal(fields[3], fields[2]);   // LISTEN_PID is the restarted service's own pid
        Assert.Equal("1", Cli.ShowOne(root, "store.service", "NRestarts"));
        Assert.Equal("still here\n", File.ReadAllText(kept));   // written through the fd the first run stored
    }

    [Fact]
    public async Task Forking_service_is_running_with_the_daemon_from_its_PIDFile_as_main_pid()
    {
        using var root = new TempRoot();
        string pidFile = Path.Combine(root.RuntimeDir, "daemon.pid");
        root.WriteUnit("fork.service", $"""
            [Service]
            Type=forking
            PIDFile={pidFile}
            ExecStart=/bin/sh -c 'sleep 300 & echo $$! > {pidFile}'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "fork.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        string pid = File.ReadAllText(pidFile).Trim();
        Assert.Equal(
            new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running", ["MainPID"] = pid },
            Cli.Show(root, "fork.service", "ActiveState", "SubState", "MainPID"));
        // The shell forks the child and writes its pid before the child has exec'd sleep: until then its comm is "sh".
        Assert.Equal("sleep", await Wait.ForAsync(() => ProcFs.Stat(int.Parse(pid, CultureInfo.InvariantCulture))?.Comm, c => c == "sleep"));

        Assert.Equal(0, Cli.Run(root, "stop", "fork.service").ExitCode);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the forked daemon outlived its stop");
        Assert.Empty(daemon.ZombieChildren());
    }
}
