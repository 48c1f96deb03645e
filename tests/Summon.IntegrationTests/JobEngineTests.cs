using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The job engine with the published manager and real processes: a target starting what it wants in After= order,
/// Requires= stop propagation, Conflicts=, Requisite=, a failed requirement, an ordering cycle broken with systemd's
/// messages, conflicting jobs and RefuseManualStart=, each as systemctl words it.
/// </summary>
public sealed class JobEngineTests
{
    [Fact]
    public async Task A_target_starts_what_it_wants_in_order_and_show_lists_the_dependencies()
    {
        using var root = new TempRoot();
        string order = Path.Combine(root.Dir, "order");
        root.WriteUnit("app.target", "[Unit]\nDescription=App\nWants=first.service second.service\n");
        root.WriteUnit("first.service", $"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'sleep 0.3; echo first >> {order}'\n");
        root.WriteUnit("second.service", $"[Unit]\nAfter=first.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo second >> {order}'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "app.target");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("first\nsecond\n", File.ReadAllText(order));
        Assert.Equal("active", Cli.IsActive(root, "app.target"));

        var show = Cli.Show(root, "second.service", "Requires", "After", "WantedBy", "Conflicts", "Before");
        Assert.Equal("sysinit.target", show["Requires"]);
        Assert.Equal("first.service sysinit.target basic.target", show["After"]);
        Assert.Equal("app.target", show["WantedBy"]);
        Assert.Equal("shutdown.target", show["Conflicts"]);
        Assert.Equal("shutdown.target app.target", show["Before"]);
        string journal = Cli.Run(root, "journal", "--no-pager").StdOut;
        Assert.Contains("]: Reached target app.target - App.\n", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requires_propagates_stop_Conflicts_stops_the_other_side_and_Requisite_fails_as_systemctl_says()
    {
        using var root = new TempRoot();
        root.WriteUnit("db.service", "[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("web.service", "[Unit]\nRequires=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("rival.service", "[Unit]\nConflicts=web.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("check.service", "[Unit]\nRequisite=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 60\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult requisite = Cli.Run(root, "start", "check.service");
        Assert.Equal((1, "A dependency job for check.service failed. See 'journalctl -xe' for details.\n"), (requisite.ExitCode, requisite.StdErr));
        Assert.Equal("inactive", Cli.IsActive(root, "db.service"));

        Assert.Equal(0, Cli.Run(root, "start", "web.service").ExitCode);
        Assert.Equal("active", Cli.IsActive(root, "db.service"));
        Assert.Equal(0, Cli.Run(root, "stop", "db.service").ExitCode);
        Assert.Equal("inactive", Cli.IsActive(root, "web.service"));

        Assert.Equal(0, Cli.Run(root, "start", "web.service").ExitCode);
        Assert.Equal(0, Cli.Run(root, "start", "rival.service").ExitCode);
        // The start waits for rival's own job only: web's stop job of the same transaction is not ordered before it
        // (Conflicts= orders nothing), so web may still be deactivating when the start returns, as under systemd.
        Assert.True(await Wait.UntilAsync(() => Cli.IsActive(root, "web.service") == "inactive"), daemon.Log);
        Assert.Equal("active", Cli.IsActive(root, "db.service"));   // stopping web takes nothing else with it
    }

    [Fact]
    public async Task A_failed_requirement_an_ordering_cycle_conflicting_jobs_and_RefuseManualStart_as_systemd_reports_them()
    {
        using var root = new TempRoot();
        root.WriteUnit("broken.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        root.WriteUnit("app.service", "[Unit]\nDescription=The app\nRequires=broken.service\nAfter=broken.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("loop.target", "[Unit]\nWants=a.service b.service\n");
        root.WriteUnit("a.service", "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("both.service", "[Unit]\nRequires=db.service\nConflicts=db.service\n[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("db.service", "[Service]\nExecStart=/bin/sleep 60\n");
        root.WriteUnit("inner.service", "[Unit]\nRefuseManualStart=yes\n[Service]\nExecStart=/bin/sleep 60\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult dependency = Cli.Run(root, "start", "app.service");
        Assert.Equal((1, "A dependency job for app.service failed. See 'journalctl -xe' for details.\n"), (dependency.ExitCode, dependency.StdErr));

        Assert.Equal(0, Cli.Run(root, "start", "loop.target").ExitCode);
        Assert.Single(new[] { Cli.IsActive(root, "a.service"), Cli.IsActive(root, "b.service") }, s => s == "active");

        CommandResult conflicting = Cli.Run(root, "start", "both.service");
        Assert.Equal(1, conflicting.ExitCode);
        Assert.Equal("Failed to start both.service: Transaction contains conflicting jobs 'stop' and 'start' for both.service. Probably contradicting requirement dependencies configured.",
            conflicting.StdErrLines[0]);

        CommandResult refused = Cli.Run(root, "start", "inner.service");
        Assert.Equal(4, refused.ExitCode);
        Assert.Equal("Failed to start inner.service: Operation refused, unit inner.service may be requested by dependency only (it is configured to refuse manual start/stop).",
            refused.StdErrLines[0]);

        string journal = Cli.Run(root, "journal", "--no-pager").StdOut;
        Assert.Contains("]: Dependency failed for app.service - The app.\n", journal, StringComparison.Ordinal);
        Assert.Matches(@"\]: [ab]\.service: Found ordering cycle on [ab]\.service/start\n", journal);
        Assert.Matches(@"\]: [ab]\.service: Found dependency on [ab]\.service/start\n", journal);
        Assert.Matches(@"\]: [ab]\.service: Job [ab]\.service/start deleted to break ordering cycle starting with [ab]\.service/start\n", journal);
    }
}
