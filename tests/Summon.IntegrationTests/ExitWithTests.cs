using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 16, item 5: <c>summon daemon --exit-with UNIT</c> as a container's PID 1 stops every unit and exits with the
/// unit's status when it ends; without the flag the manager outlives any unit.
/// </summary>
public sealed class ExitWithTests
{
    private static string MainUnit(string gate, string exit) =>
        $"[Service]\nExecStart=/bin/sh -c 'while [ ! -e {gate} ]; do sleep 0.05; done; {exit}'\n[Install]\nWantedBy=multi-user.target\n";

    [RootFact]
    public async Task Pid1_exits_with_the_units_status_42_after_stopping_the_rest()
    {
        using var root = new TempRoot();
        string gate = Path.Combine(root.Dir, "gate");
        string signals = Path.Combine(root.Dir, "signals");
        root.WriteUnit("app.service", MainUnit(gate, "exit 42"));
        string report = Path.Combine(root.Dir, "report");
        root.WriteUnit("sidecar.service", $"[Service]\nExecStart={TestPrograms.ListenCheck} -r {report} -k {signals}\n");
        using DaemonProcess unshare = await DaemonProcess.StartAsync(
            root, "unshare", ["--pid", "--fork", "--mount-proc", SummonBinary.Path, "daemon", "--exit-with", "app.service"], waitReady: true);
        Assert.Equal(0, Cli.Run(root, "start", "app.service", "sidecar.service").ExitCode);
        Assert.Equal("active", Cli.IsActive(root, "sidecar.service"));
        // The sidecar is Type=simple: its start returns at the fork. listen-check writes its report after installing
        // its signal handlers, so only then can a SIGTERM be noted in the signals file rather than kill it unnoted.
        await ListenReport.FromFileAsync(report);

        File.WriteAllText(gate, "");
        Assert.True(await Wait.UntilAsync(() => unshare.HasExited, DaemonProcess.StopTimeout), "still running\n[log]\n" + unshare.Log);
        Assert.Equal(42, unshare.ExitCode);   // unshare passes PID 1's exit code on
        Assert.Equal("SIGTERM\n", File.ReadAllText(signals));   // the rest was stopped first
        List<string> journal = JournalLine.ParseAll(Cli.Run(root, "journal", "--no-pager").StdOut).Select(j => j.Message).ToList();
        int ended = journal.IndexOf("app.service ended (status=42): stopping every unit, then exiting with status 42 (--exit-with).");
        Assert.True(ended >= 0, string.Join('\n', journal));
        Assert.True(journal.IndexOf("Stopped sidecar.service.") > ended, string.Join('\n', journal));
    }

    [RootFact]
    public async Task A_unit_killed_by_a_signal_ends_the_manager_with_128_plus_the_signal()
    {
        using var root = new TempRoot();
        string gate = Path.Combine(root.Dir, "gate");
        root.WriteUnit("app.service", MainUnit(gate, "kill -KILL $$$$"));   // ExecStart= reads $$ as one $
        using DaemonProcess unshare = await DaemonProcess.StartAsync(
            root, "unshare", ["--pid", "--fork", "--mount-proc", SummonBinary.Path, "daemon", "--exit-with=app.service"], waitReady: true);
        Assert.Equal(0, Cli.Run(root, "start", "app.service").ExitCode);
        File.WriteAllText(gate, "");
        Assert.True(await Wait.UntilAsync(() => unshare.HasExited, DaemonProcess.StopTimeout), "still running\n[log]\n" + unshare.Log);
        Assert.Equal(128 + 9, unshare.ExitCode);
    }

    [Fact]
    public async Task Without_exit_with_the_manager_outlives_a_unit_that_exits_42()
    {
        using var root = new TempRoot();
        string gate = Path.Combine(root.Dir, "gate");
        root.WriteUnit("app.service", MainUnit(gate, "exit 42"));
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "app.service").ExitCode);
        File.WriteAllText(gate, "");
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "app.service"), s => s == "failed"));
        await Task.Delay(300);
        Assert.False(daemon.HasExited);
        Assert.Equal(0, Cli.Run(root, "list-units").ExitCode);
        Assert.Equal(0, await daemon.StopAsync());
    }
}
