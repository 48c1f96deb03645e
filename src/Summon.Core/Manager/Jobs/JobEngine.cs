using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Posix;
using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// The queue of installed jobs, one per unit at most (systemd's job engine): a request becomes a
/// <see cref="Transaction"/>, whose jobs are installed (merged with or replacing queued ones); a waiting job runs once
/// no job it is ordered after is queued (<see cref="JobOrder"/>); a finished start that failed fails the queued
/// starts that required it, with result "dependency". Everything runs on the loop and returns at once: a job's end
/// is learned from its unit's state, never waited for.
/// </summary>
internal sealed class JobEngine
{
    private readonly UnitManager _manager;
    private readonly UnitRegistry _registry;
    private readonly ILogger _log;
    private readonly InstallLinks _links;
    private readonly Dictionary<string, Job> _installed = new(StringComparer.Ordinal);
    private DependencyGraph? _graph;
    private int _graphGeneration = -1;
    private uint _nextId = 1;

    /// <summary>The id the next job gets; a re-exec carries it so ids are not reused.</summary>
    internal uint NextId
    {
        get => _nextId;
        set => _nextId = Math.Max(value, 1);
    }
    private bool _dispatching;
    private bool _dispatchAgain;
    private bool _dispatchPosted;

    public JobEngine(UnitManager manager, UnitRegistry registry, UnitSearchPath path, ILogger log)
    {
        _manager = manager;
        _registry = registry;
        _log = log;
        _links = new InstallLinks(path);
    }

    /// <summary>The queued jobs, oldest first.</summary>
    public IEnumerable<Job> Queued => _installed.Values.OrderBy(j => j.Id);

    internal IEnumerable<UnitRuntime> AllUnits => _registry.Units.ToList();

    public Job? Installed(UnitRuntime unit) => _installed.GetValueOrDefault(unit.Id);

    public Job? InstalledByName(string name) => _installed.GetValueOrDefault(name);

    /// <summary>The graph of the definitions loaded now (rebuilt when one was loaded or reloaded since).</summary>
    public DependencyGraph Graph
    {
        get
        {
            if (_graph is null || _graphGeneration != _registry.Generation)
            {
                _graph = DependencyGraph.Build(_registry.Definitions, Canonical, _links, _registry.UserMode, _registry.Loaded);
                _graphGeneration = _registry.Generation;
            }
            return _graph;
        }
    }

    /// <summary>daemon-reload: the .wants/ and .requires/ links are read again.</summary>
    public void OnReload()
    {
        _links.Clear();
        _graph = null;
    }

    // ---- requests --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Queues <paramref name="type"/> for <paramref name="unit"/> and what it pulls in; the task completes with the
    /// anchor job's result. A request that cannot be queued (refused, cyclic, conflicting) completes at once.
    /// </summary>
    public Task<JobResult> Enqueue(JobType type, UnitRuntime unit, JobMode mode, bool manual)
    {
        if (manual && Refused(type, unit.Definition.Unit))
            return Task.FromResult(JobResult.Failed(unit.Id, JobFailure.RefusedManually));
        if (mode == JobMode.Isolate && !unit.Definition.Unit.AllowIsolate)
            return Task.FromResult(JobResult.Failed(unit.Id, JobFailure.NotIsolatable));
        try
        {
            LoadClosure(unit.Definition);
            var transaction = new Transaction(this, Graph, mode, _log);
            transaction.AddAnchor(unit, type);
            transaction.Verify();
            var anchor = Apply(transaction, mode);
            var wait = anchor?.Wait() ?? Task.FromResult(JobResult.Ok);
            Dispatch();
            return wait;
        }
        catch (TransactionFailure failure)
        {
            return Task.FromResult(new JobResult(failure.Error));
        }
    }

    /// <summary>Shutdown: every queued job canceled, then one transaction stopping every unit that is not inactive.</summary>
    public void StopAll()
    {
        foreach (var job in Queued.ToList())
            Finish(job, JobOutcome.Canceled, JobResult.Failed(job.Unit.Id, JobFailure.Canceled));
        var active = _registry.Units.Where(u => u.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed)).ToList();
        if (active.Count == 0)
            return;
        try
        {
            var transaction = new Transaction(this, Graph, JobMode.Replace, _log);
            foreach (var unit in active)
                transaction.AddAlso(unit, JobType.Stop);
            transaction.Verify();
            Apply(transaction, JobMode.Replace);
        }
        catch (TransactionFailure)
        {
            // An ordering cycle among the units to stop: stop them all at once rather than none.
            foreach (var unit in active)
                unit.Stop();
        }
        Dispatch();
    }

    /// <summary>bus_unit_queue_job(): what RefuseManualStart=/RefuseManualStop= refuse from a client.</summary>
    private static bool Refused(JobType type, UnitSection unit) => type switch
    {
        JobType.Start => unit.RefuseManualStart,
        JobType.Stop => unit.RefuseManualStop,
        JobType.Restart or JobType.TryRestart => unit.RefuseManualStart || unit.RefuseManualStop,
        _ => false,
    };

    /// <summary>Loads every definition the request can pull in, so the graph (and its reverse dependencies) sees them.</summary>
    private void LoadClosure(LoadedUnit anchor)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { anchor.Name.Name };
        var queue = new Queue<LoadedUnit>();
        queue.Enqueue(anchor);
        while (queue.TryDequeue(out var definition))
        {
            foreach (var (kind, name) in DependencyGraph.Forward(definition, _links, _registry.UserMode))
            {
                if (kind is DependencyKind.After or DependencyKind.Before || !seen.Add(name) || !UnitName.TryParse(name, out var unitName) || unitName.IsTemplate)
                    continue;
                var loaded = _registry.LoadDefinition(unitName);
                if (loaded.LoadState == LoadState.Loaded)
                    queue.Enqueue(loaded);
            }
        }
    }

    private string Canonical(string name) => _registry.Loaded(name)?.Name.Name ?? name;

    /// <summary>
    /// The runtime of a unit a transaction names: null for a unit there is nothing to do with (a type this manager
    /// does not run, such as .mount or .slice; a stop of a unit that does not load); throws the load failure otherwise.
    /// </summary>
    internal UnitRuntime? Resolve(string name, JobType type)
    {
        if (!UnitName.TryParse(name, out var unitName) || unitName.IsTemplate)
            return type == JobType.Stop ? null : throw new TransactionFailure(JobResult.Failed(name, JobFailure.InvalidName).Error!);
        if (unitName.Type is not (UnitType.Service or UnitType.Socket or UnitType.Target))
            return null;
        var definition = _registry.LoadDefinition(unitName);
        if (definition.LoadState != LoadState.Loaded)
        {
            // A unit whose %t has no runtime directory was named once, in the boot's own line.
            if (type == JobType.Stop || definition.NeedsRuntimeDirectory)
                return null;
            throw new TransactionFailure(new JobError(name, definition.LoadState switch
            {
                LoadState.NotFound => JobFailure.NotFound,
                LoadState.Masked => JobFailure.Masked,
                _ => JobFailure.BadSetting,
            }));
        }
        return _manager.GetOrLoad(name);
    }

    /// <summary>The bus error systemd gives for a unit that cannot be loaded ("Unit x.service not found.").</summary>
    internal string Describe(JobError error) =>
        UnitName.TryParse(error.Unit, out var name) && _registry.Loaded(name.Name)?.LoadStateMessage is { } message ? message : $"Unit {error.Unit} not found.";

    // ---- installing --------------------------------------------------------------------------------------------------

    /// <summary>transaction_apply(): each job merged into the unit's queued job, or replacing it; the anchor's job returned.</summary>
    private Job? Apply(Transaction transaction, JobMode mode)
    {
        Job? anchor = null;
        foreach (var planned in transaction.Jobs.ToList())
        {
            var job = Install(planned, mode);
            if (planned == transaction.Anchor)
                anchor = job;
        }
        return anchor;
    }

    private Job Install(TransactionJob planned, JobMode mode)
    {
        if (_installed.TryGetValue(planned.Unit.Id, out var queued))
        {
            if (JobTypes.Merge(queued.Type, planned.Type) is { } merged)
            {
                if (queued.State == JobState.Waiting)
                    queued.Type = merged;
                queued.IgnoreOrder &= planned.IgnoreOrder;
                return queued;
            }
            Finish(queued, JobOutcome.Canceled, JobResult.Failed(queued.Unit.Id, JobFailure.Canceled));
        }
        var job = new Job(_nextId++, planned.Unit, planned.Type)
        {
            IgnoreOrder = planned.IgnoreOrder,
            Irreversible = mode == JobMode.ReplaceIrreversibly,
        };
        _installed[job.Unit.Id] = job;
        job.QueuedTimer = ArmTimeout(job, job.Unit.Definition.Unit.JobTimeout);
        return job;
    }

    /// <summary>A job's timeout (JobTimeoutSec= from its install, JobRunningTimeoutSec= from its start); none for infinity.</summary>
    private IDisposable? ArmTimeout(Job job, TimeSpan? timeout) =>
        timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan ? _manager.Loop.Schedule(t, () => OnJobTimeout(job)) : null;

    /// <summary>
    /// job_timer(): the job ends with result "timeout" (its unit goes on as it was: a start that is activating stays
    /// activating), what required it fails, and JobTimeoutAction= runs.
    /// </summary>
    private void OnJobTimeout(Job job)
    {
        if (_installed.GetValueOrDefault(job.Unit.Id) != job)
            return;
        var unit = job.Unit;
        JobLog.TimedOut(_log, unit.Id, job.Name);
        Finish(job, JobOutcome.Timeout, JobResult.Failed(unit.Id, JobFailure.TimedOut));
        EmergencyAction.Run(_manager, _log, unit.Id, unit.Definition.Unit.JobTimeoutAction, null, "job timed out");
    }

    // ---- running -------------------------------------------------------------------------------------------------------

    /// <summary>A unit changed state: a job waiting on it (a verify-active of an activating unit) may run now.</summary>
    public void OnUnitStateChanged()
    {
        if (_installed.Count > 0)
            DispatchSoon();
    }

    /// <summary>A dispatch on the next loop turn (once, however often asked): never inside a unit's own transition.</summary>
    private void DispatchSoon()
    {
        if (_dispatchPosted)
            return;
        _dispatchPosted = true;
        _manager.Loop.Post(() =>
        {
            _dispatchPosted = false;
            Dispatch();
        });
    }

    /// <summary>Runs every waiting job nothing holds back (verify-active checks first, then by age).</summary>
    public void Dispatch()
    {
        if (_dispatching)
        {
            _dispatchAgain = true;
            return;
        }
        _dispatching = true;
        try
        {
            do
            {
                _dispatchAgain = false;
                var graph = Graph;
                foreach (var job in _installed.Values.Where(j => j.State == JobState.Waiting)
                             .OrderBy(j => j.Type == JobType.VerifyActive ? 0 : 1).ThenBy(j => j.Id).ToList())
                {
                    if (_installed.GetValueOrDefault(job.Unit.Id) != job || job.State != JobState.Waiting || !Runnable(job, graph))
                        continue;
                    Run(job);
                }
            }
            while (_dispatchAgain);
        }
        finally
        {
            _dispatching = false;
        }
    }

    /// <summary>job_is_runnable(): no queued job of a unit it must follow.</summary>
    private bool Runnable(Job job, DependencyGraph graph)
    {
        if (job.IgnoreOrder)
            return true;
        string id = job.Unit.Id;
        foreach (var kind in (DependencyKind[])[DependencyKind.After, DependencyKind.Before])
        {
            foreach (var other in graph.Of(id, kind))
            {
                if (_installed.TryGetValue(other, out var blocker) && !blocker.IgnoreOrder
                    && JobOrder.Waits(graph, id, job.Type, other, blocker.Type))
                    return false;
            }
        }
        return true;
    }

    private void Run(Job job)
    {
        var unit = job.Unit;
        switch (job.Type)
        {
            case JobType.VerifyActive:
                if (unit.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
                    Finish(job, JobOutcome.Done, JobResult.Ok);
                else if (unit.ActiveState != UnitActiveState.Activating)
                    Finish(job, JobOutcome.Skipped, JobResult.Failed(unit.Id, JobFailure.NotActive));
                return;   // activating: it stays waiting, and is looked at again when the unit moves
            case JobType.Start:
                RunStart(job);
                return;
            case JobType.Stop or JobType.Restart:
                RunStop(job);
                return;
            case JobType.Reload:
                var failure = unit is ServiceUnit service && unit.ActiveState == UnitActiveState.Active ? service.Reload() : JobFailure.NotActive;
                Finish(job, failure is null ? JobOutcome.Done : JobOutcome.Failed, failure is null ? JobResult.Ok : JobResult.Failed(unit.Id, failure.Value));
                return;
            default:
                Finish(job, JobOutcome.Done, JobResult.Ok);
                return;
        }
    }

    private void RunStart(Job job)
    {
        var unit = job.Unit;
        if (unit.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
        {
            Finish(job, JobOutcome.Done, JobResult.Ok);
            return;
        }
        job.State = JobState.Running;
        job.RunningTimer ??= ArmTimeout(job, unit.Definition.Unit.JobRunningTimeout);
        bool settled = false;
        unit.WatchStart(result =>
        {
            settled = true;
            OnStartSettled(job, result);
        });
        try
        {
            bool ok = unit.Start();
            if (!settled && !ok)
                unit.SettleStartJob(JobResult.Failed(unit.Id, JobFailure.UnitFailed, unit.Result));
            else if (!settled && unit.ActiveState is UnitActiveState.Active)
                unit.SettleStartJob(JobResult.Ok);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException or ArgumentException)
        {
            ManagerLog.UnitError(_log, unit.Id, "Failed to start: " + e.Message);
            unit.SettleStartJob(JobResult.Failed(unit.Id, JobFailure.UnitFailed, UnitResult.Resources));
        }
    }

    /// <summary>Called in the unit's state change: the job ends there; what may run next runs a turn later.</summary>
    private void OnStartSettled(Job job, JobResult result)
    {
        if (_installed.GetValueOrDefault(job.Unit.Id) != job || job.State != JobState.Running)
            return;   // canceled or failed for a dependency meanwhile
        Finish(job, result.Success ? JobOutcome.Done : JobOutcome.Failed, result, dispatch: false);
    }

    private void RunStop(Job job)
    {
        var unit = job.Unit;
        job.State = JobState.Running;
        job.RunningTimer ??= ArmTimeout(job, unit.Definition.Unit.JobRunningTimeout);
        if (unit.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed))
            unit.Stop();
        _registry.Collect(unit);
        unit.WatchStop(() => OnStopSettled(job));
    }

    private void OnStopSettled(Job job)
    {
        if (_installed.GetValueOrDefault(job.Unit.Id) != job || job.State != JobState.Running)
            return;
        if (job.Type == JobType.Restart)
        {
            // The stop half is done: the job becomes the start half and waits for its turn again.
            job.Type = JobType.Start;
            job.State = JobState.Waiting;
            DispatchSoon();
            return;
        }
        Finish(job, JobOutcome.Done, JobResult.Ok, dispatch: false);
    }

    /// <summary>
    /// job_finish_and_invalidate(): the job leaves the queue and its waiters learn the result; a start that did not
    /// succeed fails the queued starts of the units that require it (result "dependency"), then what may run now runs.
    /// </summary>
    private void Finish(Job job, JobOutcome outcome, JobResult result, bool dispatch = true)
    {
        if (_installed.GetValueOrDefault(job.Unit.Id) != job)
            return;
        _installed.Remove(job.Unit.Id);
        job.QueuedTimer?.Dispose();
        job.RunningTimer?.Dispose();
        job.Complete(result);
        if (outcome is not (JobOutcome.Done or JobOutcome.Canceled) && job.Type is JobType.Start or JobType.VerifyActive)
        {
            var graph = Graph;
            string id = job.Unit.Id;
            foreach (var name in graph.Of(id, DependencyKind.RequiredBy).Concat(graph.Of(id, DependencyKind.RequisiteOf)).Concat(graph.Of(id, DependencyKind.BoundBy)).ToList())
            {
                if (_installed.GetValueOrDefault(name) is { Type: JobType.Start or JobType.VerifyActive } dependent)
                {
                    ManagerLog.DependencyFailed(_log, dependent.Unit.Id, ManagerLog.Suffix(dependent.Unit));
                    Finish(dependent, JobOutcome.Dependency, JobResult.Failed(dependent.Unit.Id, JobFailure.Dependency), dispatch: false);
                }
            }
        }
        if (outcome == JobOutcome.Canceled)
            return;
        if (dispatch)
            Dispatch();
        else
            DispatchSoon();
    }
}
