using Summon.Control;
using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Jobs;

/// <summary>
/// JobTimeoutSec=, JobRunningTimeoutSec= and JobTimeoutAction= on the fake clock, and the queue `list-jobs` shows: a job
/// that waited or ran too long ends with result "timeout" while its unit goes on as it was.
/// </summary>
public sealed class JobTimeoutTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public JobTimeoutTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    /// <summary>A notify service whose fake process never says READY=1: its start job runs until something ends it.</summary>
    private void NeverReady(string name, string unit = "") =>
        _h.WriteUnit(name, $"[Unit]\n{unit}\n[Service]\nType=notify\nTimeoutStartSec=infinity\nExecStart=/fake/{name}\n");

    private UnitActiveState State(string name) => _h.Manager.GetOrLoad(name)!.ActiveState;

    [Fact]
    public async Task A_running_job_past_JobRunningTimeoutSec_times_out_and_the_unit_stays_activating()
    {
        NeverReady("slow.service", "JobRunningTimeoutSec=5s");
        var job = _h.Manager.StartJob("slow.service");
        _h.Pump();
        _h.Advance(TimeSpan.FromSeconds(4));
        Assert.False(job.IsCompleted);
        _h.Advance(TimeSpan.FromSeconds(2));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        var result = await job;
        Assert.False(result.Success);
        Assert.Equal(JobFailure.TimedOut, result.Error!.Failure);
        Assert.Contains("slow.service: Job slow.service/start timed out.", _h.Lines("slow.service"));
        Assert.Equal(UnitActiveState.Activating, State("slow.service"));
        Assert.Empty(_h.Manager.Jobs.Queued);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task A_waiting_job_past_JobTimeoutSec_times_out_without_starting_its_unit()
    {
        NeverReady("first.service");
        _h.WriteUnit("second.service", "[Unit]\nAfter=first.service\nJobTimeoutSec=3s\n[Service]\nExecStart=/fake/second.service\n");
        var first = _h.Manager.StartJob("first.service");
        var second = _h.Manager.StartJob("second.service");
        _h.Pump();
        var listed = new ControlDispatcher(_h.Manager).Handle(new ControlRequest { Method = ControlMethods.ListJobs }).Units;
        Assert.Equal(["first.service running start", "second.service waiting start"],
            listed.Select(j => $"{j.Id} {j.Get("JobState")} {j.Get("JobType")}"));
        Assert.True(uint.Parse(listed[0].Get("Job")!) < uint.Parse(listed[1].Get("Job")!));

        _h.Advance(TimeSpan.FromSeconds(3));
        Assert.True(_h.PumpUntil(() => second.IsCompleted));
        Assert.Equal(JobFailure.TimedOut, (await second).Error!.Failure);
        Assert.Equal(UnitActiveState.Inactive, State("second.service"));
        Assert.DoesNotContain(_processes.Started, p => p.Request?.Path == "/fake/second.service");
        Assert.False(first.IsCompleted);   // JobTimeoutSec= is second's own: first's job is untouched
        Assert.Single(_h.Manager.Jobs.Queued);
    }

    [Fact]
    public async Task JobTimeoutSec_also_bounds_the_running_job_unless_JobRunningTimeoutSec_is_set()
    {
        NeverReady("a.service", "JobTimeoutSec=2s");
        NeverReady("b.service", "JobRunningTimeoutSec=infinity\nJobTimeoutSec=2s");
        var a = _h.Manager.StartJob("a.service");
        var b = _h.Manager.StartJob("b.service");
        _h.Pump();
        _h.Advance(TimeSpan.FromSeconds(3));
        Assert.True(_h.PumpUntil(() => a.IsCompleted && b.IsCompleted));
        Assert.Equal(JobFailure.TimedOut, (await a).Error!.Failure);
        Assert.Equal(JobFailure.TimedOut, (await b).Error!.Failure);   // JobTimeoutSec= counts from the install either way
    }

    [Fact]
    public void JobTimeoutAction_exit_ends_the_manager()
    {
        NeverReady("slow.service", "JobRunningTimeoutSec=1s\nJobTimeoutAction=exit");
        bool exited = false;
        _h.Manager.ExitRequested = (_, force) => exited = !force;
        _ = _h.Manager.StartJob("slow.service");
        _h.Pump();
        _h.Advance(TimeSpan.FromSeconds(2));
        Assert.True(_h.PumpUntil(() => exited));
    }

    [Fact]
    public void Without_job_timeouts_a_job_waits_as_long_as_its_unit()
    {
        NeverReady("slow.service");
        var job = _h.Manager.StartJob("slow.service");
        _h.Pump();
        _h.Advance(TimeSpan.FromHours(1));
        _h.Pump();
        Assert.False(job.IsCompleted);
        Assert.Single(_h.Manager.Jobs.Queued);
    }
}
