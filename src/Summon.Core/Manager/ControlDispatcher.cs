using Summon.Control;
using Summon.Manager.Jobs;
using Summon.Posix;
using Summon.Units;

namespace Summon.Manager;

/// <summary>Turns control requests into manager jobs and queries. Runs on the manager's event loop.</summary>
internal sealed class ControlDispatcher(UnitManager manager)
{
    /// <summary>The re-exec (set by the daemon host); without it Reexecute is refused.</summary>
    public Reexec.Reexecutor? Reexec { get; set; }

    /// <summary>Runs on the loop; job methods complete later (when their jobs finish) without touching manager state.</summary>
    public Task<ControlReply> HandleAsync(ControlRequest request)
    {
        ExpandGlobs(request);
        return request.Method switch
        {
            ControlMethods.Start => RunJobsAsync(request, name => manager.StartJob(name, Mode(request), manual: true)),
            ControlMethods.Stop => RunJobsAsync(request, name => manager.StopJob(name, Mode(request), manual: true)),
            ControlMethods.Restart => RunJobsAsync(request, name => manager.RestartJob(name, Mode(request), manual: true)),
            ControlMethods.Isolate => RunJobsAsync(request, manager.IsolateJob),
            ControlMethods.ReloadUnit => RunJobsAsync(request, manager.ReloadJob),
            ControlMethods.Reexecute when Reexec is not null => Reexec.RequestAsync(request.Binary),
            _ => Task.FromResult(Handle(request)),
        };
    }

    public ControlReply Handle(ControlRequest request)
    {
        ExpandGlobs(request);
        var reply = new ControlReply();
        switch (request.Method)
        {
            case ControlMethods.Ping:
                reply.Units.Add(ManagerIdentity.Of(Environment.ProcessId, Reexec?.Generation ?? 0, Reexec?.LastFailure));
                break;
            case ControlMethods.Reexecute:
                reply.Errors.Add("This manager cannot re-execute itself.");
                break;
            case ControlMethods.Kill:
                RunJobs(request, reply, name => manager.Kill(name, request.Signal == 0 ? Signals.SIGTERM : request.Signal, request.KillWhom == "main"));
                break;
            case ControlMethods.Reload:
                manager.Reload();
                break;
            case ControlMethods.ResetFailed:
                if (request.Units.Count == 0)
                    manager.ResetFailed(null);
                foreach (var name in request.Units)
                    manager.ResetFailed(name);
                break;
            case ControlMethods.Show:
                HashSet<string>? wanted = request.Properties is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : null;
                foreach (var name in request.Units)
                    reply.Units.Add(Show(name, wanted));
                break;
            case ControlMethods.ListUnits:
                foreach (var unit in UnitSelection.List(manager.Units, request))
                    reply.Units.Add(UnitProperties.Of(unit, manager));
                break;
            case ControlMethods.ListJobs:
                // One entry per queued job, oldest first: its id, type and state, as systemd's ListJobs.
                foreach (var job in manager.Jobs.Queued)
                    reply.Units.Add(new UnitInfo
                    {
                        Id = job.Unit.Id,
                        Properties =
                        [
                            new UnitProperty("Job", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                            new UnitProperty("JobType", job.Type.Word()),
                            new UnitProperty("JobState", job.State == JobState.Running ? "running" : "waiting"),
                        ],
                    });
                break;
            default:
                reply.Errors.Add($"Unknown method '{request.Method}'.");
                break;
        }
        return reply;
    }

    /// <summary>The request's --job-mode= (the CLI sends only words systemctl takes; anything else is replace).</summary>
    private static JobMode Mode(ControlRequest request) => JobModes.Parse(request.JobMode) ?? JobMode.Replace;

    /// <summary>Unit globs name loaded units (ListUnits takes them as its patterns); expanding twice changes nothing.</summary>
    private void ExpandGlobs(ControlRequest request)
    {
        if (request.Method != ControlMethods.ListUnits)
            request.Units = UnitSelection.Expand(manager.Units, request);
    }

    private UnitInfo Show(string name, IReadOnlyCollection<string>? wanted)
    {
        var unit = manager.GetOrLoad(name);
        if (unit is not null && unit.Definition.LoadState == LoadState.Loaded)
            return UnitProperties.Of(unit, manager, wanted);
        LoadedUnit? definition = UnitName.TryParse(name, out var unitName) && !unitName.IsTemplate ? manager.LoadDefinition(unitName) : null;
        return UnitProperties.NotLoaded(name, definition, manager, wanted);
    }

    private static Task<ControlReply> RunJobsAsync(ControlRequest request, Func<string, Task<JobResult>> job)
    {
        var jobs = request.Units.Select(job).ToList();
        if (request.NoBlock)
            return Task.FromResult(Collect(jobs.Where(j => j.IsCompleted).Select(j => j.Result)));
        return Task.WhenAll(jobs).ContinueWith(t => Collect(t.Result), TaskScheduler.Default);
    }

    private static ControlReply Collect(IEnumerable<JobResult> results)
    {
        var reply = new ControlReply();
        foreach (var result in results)
            if (result.Error is { } error)
                reply.Failures.Add(error);
        return reply;
    }

    private static void RunJobs(ControlRequest request, ControlReply reply, Func<string, JobResult> job)
    {
        foreach (var name in request.Units)
            if (job(name).Error is { } error)
                reply.Failures.Add(error);
    }
}
