using Summon.Control;
using Summon.Manager;
using Summon.Manager.Jobs;
using Summon.Posix;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Jobs;

/// <summary>
/// The job engine's transactions on a real manager with fake processes (they exit when the test says): what a start
/// pulls in and in which order, what a stop takes with it, requirements failing their dependants, conflicts, ordering
/// cycles and the requests systemd refuses, with systemd's words.
/// </summary>
public sealed class JobEngineTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public JobEngineTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    private void Oneshot(string name, string extra = "") =>
        _h.WriteUnit(name, $"[Unit]\n{extra}\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/fake/{name}\n");

    private void Simple(string name, string extra = "") =>
        _h.WriteUnit(name, $"[Unit]\n{extra}\n[Service]\nExecStart=/fake/{name}\n");

    private FakeProcess? Process(string name) => _processes.Started.LastOrDefault(p => p.Request?.Path == "/fake/" + name);

    private UnitActiveState State(string name) => _h.Manager.GetOrLoad(name)!.ActiveState;

    [Fact]
    public async Task A_target_pulls_in_what_it_wants_in_After_order_and_is_reached_after_them()
    {
        _h.WriteUnit("app.target", "[Unit]\nDescription=App\nWants=first.service second.service\n");
        Oneshot("first.service");
        Oneshot("second.service", "After=first.service");
        var job = _h.Manager.StartJob("app.target");
        _h.Pump();
        Assert.NotNull(Process("first.service"));
        Assert.Null(Process("second.service"));   // ordered after first, whose start has not finished
        Assert.False(job.IsCompleted);

        Process("first.service")!.Exit(0);
        Assert.True(_h.PumpUntil(() => Process("second.service") is not null));
        Assert.False(job.IsCompleted);   // the target is ordered after what it wants (its default dependencies)
        Process("second.service")!.Exit(0);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        Assert.Equal(UnitActiveState.Active, State("app.target"));
        Assert.Contains("Reached target app.target - App.", _h.Lines("app.target"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task Stopping_a_required_unit_stops_what_requires_it_and_what_is_part_of_it()
    {
        Simple("db.service");
        Simple("web.service", "Requires=db.service\nAfter=db.service");
        Simple("helper.service", "PartOf=db.service");
        Assert.True(_h.Start("web.service").Success);
        Assert.True(_h.Start("helper.service").Success);
        Assert.Equal(UnitActiveState.Active, State("db.service"));   // pulled in by Requires=

        var stop = _h.Manager.StopJob("db.service");
        Assert.True(_h.PumpUntil(() => stop.IsCompleted, tick: TimeSpan.FromMilliseconds(50)));
        Assert.True((await stop).Success);
        Assert.Equal(UnitActiveState.Inactive, State("web.service"));
        Assert.Equal(UnitActiveState.Inactive, State("helper.service"));
        Assert.Equal(UnitActiveState.Inactive, State("db.service"));
        // web is ordered after db: it stops first (stops run in the reverse of the start order).
        int web = _processes.Sent.FindIndex(s => s.Pid == Process("web.service")!.Pid);
        int db = _processes.Sent.FindIndex(s => s.Pid == Process("db.service")!.Pid);
        Assert.True(web >= 0 && db > web, string.Join(", ", _processes.Sent));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task A_requirement_that_fails_fails_its_dependants_with_result_dependency()
    {
        Oneshot("setup.service");
        Simple("app.service", "Description=The app\nRequires=setup.service\nAfter=setup.service");
        var job = _h.Manager.StartJob("app.service");
        _h.Pump();
        Process("setup.service")!.Exit(1);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("app.service", JobFailure.Dependency), (await job).Error);
        Assert.Null(Process("app.service"));
        Assert.Equal(UnitActiveState.Inactive, State("app.service"));
        Assert.Contains("Dependency failed for app.service - The app.", _h.Lines("app.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task Requisite_on_an_inactive_unit_fails_the_start_without_starting_it()
    {
        Simple("base.service");
        Simple("needs.service", "Requisite=base.service\nAfter=base.service");
        var job = _h.Manager.StartJob("needs.service");
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("needs.service", JobFailure.Dependency), (await job).Error);
        Assert.Null(Process("base.service"));
        Assert.Null(Process("needs.service"));

        Assert.True(_h.Start("base.service").Success);
        Assert.True(_h.Start("needs.service").Success);   // active now: the check passes
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Starting_a_unit_stops_the_units_it_conflicts_with()
    {
        Simple("old.service");
        Simple("new.service", "Conflicts=old.service");
        Assert.True(_h.Start("old.service").Success);
        Assert.True(_h.Start("new.service").Success);
        Assert.True(_h.PumpUntil(() => State("old.service") == UnitActiveState.Inactive, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Equal(UnitActiveState.Active, State("new.service"));

        Assert.True(_h.Start("old.service").Success);   // ConflictedBy: the other way round too
        Assert.True(_h.PumpUntil(() => State("new.service") == UnitActiveState.Inactive, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task An_ordering_cycle_is_broken_by_deleting_a_wanted_job_with_systemds_messages()
    {
        _h.WriteUnit("loop.target", "[Unit]\nWants=a.service b.service\n");
        Simple("a.service", "After=b.service");
        Simple("b.service", "After=a.service");
        var job = _h.Manager.StartJob("loop.target");
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        var lines = _h.AllLines();
        var found = lines.Where(l => l.Contains(": Found ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, found.Count);
        Assert.Matches(@"^[ab]\.service: Found ordering cycle on [ab]\.service/start$", found[0]);
        Assert.Matches(@"^[ab]\.service: Found dependency on [ab]\.service/start$", found[1]);
        Assert.Single(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^[ab]\.service: Job [ab]\.service/start deleted to break ordering cycle starting with [ab]\.service/start$"));
        // One of the two started, the other was deleted from the transaction.
        Assert.Single(new[] { Process("a.service"), Process("b.service") }, p => p is not null);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task A_cycle_of_requirements_cannot_be_broken_and_fails_the_request()
    {
        Simple("a.service", "Requires=b.service\nAfter=b.service");
        Simple("b.service", "Requires=a.service\nAfter=a.service");
        var result = await _h.Manager.StartJob("a.service");
        Assert.Equal(new JobError("a.service", JobFailure.OrderCyclic), result.Error);
        Assert.Contains(_h.AllLines(), l => l.EndsWith("Unable to break cycle starting with a.service/start", StringComparison.Ordinal)
            || l.EndsWith("Unable to break cycle starting with b.service/start", StringComparison.Ordinal));
        Assert.Empty(_processes.Started);
    }

    [Fact]
    public async Task Conflicting_jobs_for_one_unit_fail_the_request_with_systemds_message()
    {
        Simple("b.service");
        Simple("a.service", "Requires=b.service\nConflicts=b.service");
        var result = await _h.Manager.StartJob("a.service");
        Assert.Equal(new JobError("a.service", JobFailure.ConflictingJobs, "stop start a.service"), result.Error);
        Assert.Empty(_processes.Started);
    }

    [Fact]
    public async Task RefuseManualStart_refuses_a_client_but_not_a_dependency()
    {
        Simple("inner.service", "RefuseManualStart=yes");
        Simple("outer.service", "Requires=inner.service");
        Assert.Equal(new JobError("inner.service", JobFailure.RefusedManually), (await _h.Manager.StartJob("inner.service", manual: true)).Error);
        Assert.Null(Process("inner.service"));
        var job = _h.Manager.StartJob("outer.service", manual: true);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        Assert.Equal(UnitActiveState.Active, State("inner.service"));
    }

    [Fact]
    public async Task Job_mode_fail_refuses_to_replace_a_queued_job()
    {
        Oneshot("slow.service");
        Simple("late.service", "After=slow.service");
        var start = _h.Manager.StartJob("late.service");
        _ = _h.Manager.StartJob("slow.service");
        _h.Pump();
        Assert.False(start.IsCompleted);   // late waits for slow's start
        var stop = await _h.Manager.StopJob("late.service", JobMode.Fail);
        Assert.Equal(new JobError("late.service", JobFailure.Destructive, "late.service/stop late.service start stop"), stop.Error);

        var replaced = _h.Manager.StopJob("late.service");   // replace (the default) cancels the queued start
        Assert.True(_h.PumpUntil(() => start.IsCompleted));
        Assert.Equal(new JobError("late.service", JobFailure.Canceled), (await start).Error);
        Assert.True(_h.PumpUntil(() => replaced.IsCompleted));
        Assert.Null(Process("late.service"));
    }

    [Fact]
    public async Task Boot_is_one_start_of_default_target_pulling_the_wants_of_the_special_targets()
    {
        Directory.CreateDirectory(Path.Combine(_h.UnitDir, "multi-user.target.wants"));
        Directory.CreateDirectory(Path.Combine(_h.UnitDir, "sockets.target.wants"));
        Simple("svc.service");
        File.CreateSymbolicLink(Path.Combine(_h.UnitDir, "multi-user.target.wants", "svc.service"), Path.Combine(_h.UnitDir, "svc.service"));
        _h.Manager.StartEnabledUnits();
        Assert.True(_h.PumpUntil(() => _h.Manager.GetOrLoad("multi-user.target")!.ActiveState == UnitActiveState.Active));
        Assert.Equal(UnitActiveState.Active, State("svc.service"));
        foreach (var target in (string[])["sysinit.target", "sockets.target", "basic.target"])
            Assert.Equal(UnitActiveState.Active, State(target));
        Assert.Equal("multi-user.target", _h.Manager.GetOrLoad("default.target")!.Id);
        var graph = _h.Manager.Jobs.Graph;
        Assert.Equal(["sysinit.target", "basic.target"], graph.Of("svc.service", DependencyKind.After));
        Assert.Equal(["svc.service"], graph.Of("multi-user.target", DependencyKind.Wants));
        Assert.Contains("svc.service", graph.Of("multi-user.target", DependencyKind.After));
        await Task.CompletedTask;
        Assert.Empty(_h.Errors);
    }
}
