using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

/// <summary>The daemon harness itself, driven with shell scripts standing in for summon.</summary>
public sealed class DaemonProcessTests
{
    [Fact]
    public async Task Daemon_runs_as_its_own_session_and_group_leader_with_the_same_pid()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "/bin/sleep", ["300"], waitReady: false);
        ProcStat stat = await Wait.ForAsync(() => ProcFs.Stat(daemon.Pid)!.Value, s => s.Comm == "sleep");
        Assert.Equal(("sleep", daemon.Pid, daemon.Pid), (stat.Comm, stat.ProcessGroup, stat.Session));
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_and_returns_the_exit_code()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(
            root, "/bin/sh", ["-c", "trap 'echo got-term; exit 7' TERM; echo up; sleep 300 & wait"], waitReady: false);
        Assert.True(await Wait.UntilAsync(() => daemon.Log == "up\n" && daemon.Descendants().Count == 1), daemon.Log);
        Assert.Equal(7, await daemon.StopAsync());
        Assert.Equal("up\ngot-term\n", daemon.Log);
    }

    [Fact]
    public async Task Dispose_kills_the_daemon_and_every_descendant_even_in_other_sessions()
    {
        int[] pids;
        using (var root = new TempRoot())
        {
            // Like a manager: one child in the daemon's group, one in a session of its own (like a service).
            DaemonProcess daemon = await DaemonProcess.StartAsync(
                root, "/bin/sh", ["-c", "sleep 301 & setsid sleep 302 & wait"], waitReady: false);
            List<ProcStat> descendants = await Wait.ForAsync(
                () => daemon.Descendants().Where(p => p.Comm == "sleep").ToList(), d => d.Count == 2);
            Assert.Equal(2, descendants.Count);
            pids = [daemon.Pid, .. descendants.Select(p => p.Pid)];
            daemon.Dispose();
        }

        Assert.Empty(await Wait.ForAsync(() => pids.Where(ProcFs.IsAlive).ToList(), alive => alive.Count == 0));
    }
}
