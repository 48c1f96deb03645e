using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// What the manager does when a unit changes state without a job asking for it, as systemd 252's unit_notify() and
/// its three queues: BindsTo= stops a unit whose bound unit is down, Upholds= starts an upheld unit found down,
/// OnFailure=/OnSuccess= start their units, StopWhenUnneeded= stops a unit no active unit needs any more,
/// SuccessAction=/FailureAction= end the manager, CollectMode=inactive-or-failed forgets a failed unit. A change is
/// judged when it happens; the units it may concern go into a queue that is dispatched once, posted to the loop, so
/// no job ever runs inside the state change that caused it and every check sees the state after the change. Jobs
/// started or stopped from here are bounded per unit as systemd's auto_start_stop_ratelimit does; Upholds= is also
/// bounded by the upheld unit's own start limit (a unit failed with start-limit-hit stays failed until reset-failed
/// or the window passes, and after that this limit stops the retries).
/// </summary>
internal sealed class DependencyReactions
{
    private static readonly TimeSpan AutoStartStopInterval = TimeSpan.FromSeconds(10);
    private const uint AutoStartStopBurst = 16;

    private readonly UnitManager _manager;
    private readonly ILogger _log;
    private readonly DependencyIndex _index = new();
    private readonly List<UnitRuntime> _startWhenUpheld = [];
    private readonly List<UnitRuntime> _stopWhenBound = [];
    private readonly List<UnitRuntime> _stopWhenUnneeded = [];
    private readonly Dictionary<string, RateLimit> _autoStartStop = new(StringComparer.Ordinal);
    private bool _dispatchPosted;

    public DependencyReactions(UnitManager manager, ILogger log)
    {
        _manager = manager;
        _log = log;
    }

    /// <summary>
    /// systemd's u->job: true while a job of the unit is queued or running. The unit's own open start/stop job by
    /// default; a job engine that queues jobs before they run sets this to answer for them too.
    /// </summary>
    public Func<UnitRuntime, bool> HasJob { get; set; } = static u => u.HasJob;

    /// <summary>
    /// A settled change of <paramref name="unit"/>'s state. <paramref name="willAutoRestart"/> marks the failed or
    /// dead state a service passes through on its way to a Restart= (systemd's UNIT_NOTIFY_WILL_AUTO_RESTART):
    /// OnFailure=/OnSuccess= wait for the end of the restarts, everything else reacts.
    /// </summary>
    public void OnStateChanged(UnitRuntime unit, UnitActiveState from, UnitActiveState to, bool willAutoRestart = false)
    {
        _index.Learn(unit);
        var u = unit.Definition.Unit;

        // A service that goes down on its way to a restart never shows as inactive here: its binders stop now, as
        // systemd's retroactively_stop_dependencies() does for an unexpected stop (a restart is never asked for).
        if (willAutoRestart && _index.HasBinders(unit))
        {
            foreach (var binder in _index.BoundBy(unit))
            {
                if (binder.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed or UnitActiveState.Deactivating)
                    continue;
                PostStop(binder, unit);
            }
        }

        if (from != to && to == UnitActiveState.Failed && !willAutoRestart)
            StartOnFailure(unit, "OnFailure=", u.OnFailure, u.OnFailureJobMode);
        if (to == UnitActiveState.Inactive && from is not (UnitActiveState.Failed or UnitActiveState.Inactive or UnitActiveState.Maintenance)
            && !willAutoRestart)
            StartOnFailure(unit, "OnSuccess=", u.OnSuccess, u.OnSuccessJobMode);

        if (from != UnitActiveState.Failed && to == UnitActiveState.Failed && IsSet(u.FailureAction))
            PostAction(unit.Id, u.FailureAction, EmergencyAction.ExitStatus(unit, u.FailureActionExitStatus), "failed");
        else if (from is not (UnitActiveState.Inactive or UnitActiveState.Failed) && to == UnitActiveState.Inactive && IsSet(u.SuccessAction))
            PostAction(unit.Id, u.SuccessAction, EmergencyAction.ExitStatus(unit, u.SuccessActionExitStatus), "succeeded");

        // The rest only concerns units that declare or receive these dependencies: a connection instance without
        // any passes here without allocating.
        if (to is UnitActiveState.Inactive or UnitActiveState.Failed)
        {
            SubmitUnneeded(u.Requires);
            SubmitUnneeded(u.Requisite);
            SubmitUnneeded(u.Wants);
            SubmitUnneeded(u.BindsTo);
            SubmitUnneeded(u.Upholds);
            if (_index.HasBinders(unit))
                foreach (var binder in _index.BoundBy(unit))
                    Submit(_stopWhenBound, binder);
            if (_index.HasUpholders(unit))
                Submit(_startWhenUpheld, unit);
            if (to == UnitActiveState.Failed && u.CollectInactiveOrFailed && !willAutoRestart)
                PostCollect(unit);
        }

        if (to is UnitActiveState.Active or UnitActiveState.Reloading)
        {
            foreach (string name in u.Upholds)
                if (_manager.GetOrLoad(name) is { } upheld)
                    Submit(_startWhenUpheld, upheld);
            if (u.StopWhenUnneeded)
                Submit(_stopWhenUnneeded, unit);
            if (u.BindsTo.Count > 0)
                Submit(_stopWhenBound, unit);
        }
    }

    /// <summary>check_unneeded_dependencies(): the StopWhenUnneeded= units among <paramref name="names"/> are checked.</summary>
    private void SubmitUnneeded(List<string> names)
    {
        foreach (string name in names)
            if (_manager.Find(name) is { Definition.Unit.StopWhenUnneeded: true } needed)
                Submit(_stopWhenUnneeded, needed);
    }

    // Lambdas live in methods of their own: a closure over OnStateChanged's locals would be allocated on every call.
    private void PostAction(string unit, string action, int? exitStatus, string outcome) =>
        _manager.Loop.Post(() => EmergencyAction.Run(_manager, _log, unit, action, exitStatus, outcome));

    private void PostStop(UnitRuntime binder, UnitRuntime bound) => _manager.Loop.Post(() =>
    {
        ManagerLog.BoundToInactive(_log, binder.Id, bound.Id);
        Enqueue(JobKind.Stop, binder.Id, "replace", "stop");
    });

    private void PostCollect(UnitRuntime unit) => _manager.Loop.Post(() => Collect(unit));

    private static bool IsSet(string action) => action is not ("none" or "");

    /// <summary>StartLimitAction= of a unit whose start was refused by its start limit.</summary>
    public void OnStartLimitHit(UnitRuntime unit)
    {
        string action = unit.Definition.Unit.StartLimitAction;
        if (IsSet(action))
            PostAction(unit.Id, action, null, "failed");
    }

    /// <summary>daemon-reload: the edges are learned again from the new definitions.</summary>
    public void OnReload(IEnumerable<UnitRuntime> units)
    {
        foreach (var unit in units)
            _index.Learn(unit);
    }

    /// <summary>The registry forgot <paramref name="unit"/> (a finished connection instance).</summary>
    public void OnForgotten(UnitRuntime unit) => _index.Forget(unit);

    // ---- OnFailure=/OnSuccess= -------------------------------------------------------------------------------

    private void StartOnFailure(UnitRuntime unit, string dependency, List<string> units, string mode)
    {
        if (units.Count == 0)
            return;
        var names = units.ToArray();
        _manager.Loop.Post(() =>
        {
            // Said from the loop: after the unit's own "Failed with result …" and "Failed to start …" lines.
            ManagerLog.TriggeringDependencies(_log, unit.Id, dependency);
            foreach (string name in names)
                Enqueue(JobKind.Start, name, mode, dependency, unit.Id);
        });
    }

    // ---- the queues ----------------------------------------------------------------------------------------

    private void Submit(List<UnitRuntime> queue, UnitRuntime unit)
    {
        if (!queue.Contains(unit))
            queue.Add(unit);
        if (_dispatchPosted)
            return;
        _dispatchPosted = true;
        _manager.Loop.Post(Dispatch);
    }

    /// <summary>The three queues in systemd's order: upheld starts, bound stops, unneeded stops.</summary>
    private void Dispatch()
    {
        _dispatchPosted = false;
        foreach (var unit in Drain(_startWhenUpheld))
        {
            if (UpheldByActive(unit) is not { } culprit)
                continue;
            if (!AllowAutoStartStop(unit))
            {
                ManagerLog.UpholdStartLimited(_log, unit.Id, culprit.Id);
                continue;
            }
            ManagerLog.UpheldByActive(_log, unit.Id, culprit.Id);
            Enqueue(JobKind.Start, unit.Id, "fail", "start");
        }
        foreach (var unit in Drain(_stopWhenBound))
        {
            if (BoundByInactive(unit) is not { } culprit)
                continue;
            if (!AllowAutoStartStop(unit))
            {
                ManagerLog.BoundStopLimited(_log, unit.Id, culprit.Id);
                continue;
            }
            ManagerLog.BoundToInactive(_log, unit.Id, culprit.Id);
            Enqueue(JobKind.Stop, unit.Id, "replace", "stop");
        }
        foreach (var unit in Drain(_stopWhenUnneeded))
        {
            if (!IsUnneeded(unit))
                continue;
            if (!AllowAutoStartStop(unit))
            {
                ManagerLog.UnneededStopLimited(_log, unit.Id);
                continue;
            }
            ManagerLog.NotNeeded(_log, unit.Id);
            Enqueue(JobKind.Stop, unit.Id, "fail", "stop");
        }
    }

    private static List<UnitRuntime> Drain(List<UnitRuntime> queue)
    {
        var units = queue.ToList();
        queue.Clear();
        return units;
    }

    /// <summary>unit_is_upheld_by_active(): the unit is down, without a job, and an active unit without a job upholds it.</summary>
    private UnitRuntime? UpheldByActive(UnitRuntime unit)
    {
        if (unit.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed) || HasJob(unit))
            return null;
        foreach (var other in _index.UpheldBy(unit))
            if (!HasJob(other) && other.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
                return other;
        return null;
    }

    /// <summary>unit_is_bound_by_inactive(): the unit is active, without a job, and a unit it binds to is down without a job.</summary>
    private UnitRuntime? BoundByInactive(UnitRuntime unit)
    {
        if (unit.ActiveState != UnitActiveState.Active || HasJob(unit))
            return null;
        foreach (string name in unit.Definition.Unit.BindsTo)
        {
            var other = _manager.GetOrLoad(name);
            if (other is null || HasJob(other))
                continue;
            if (other.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed)
                return other;
        }
        return null;
    }

    /// <summary>unit_is_unneeded(): StopWhenUnneeded=yes, active without a job, and every unit pinning it down without a job.</summary>
    private bool IsUnneeded(UnitRuntime unit)
    {
        if (!unit.Definition.Unit.StopWhenUnneeded || unit.ActiveState != UnitActiveState.Active || HasJob(unit))
            return false;
        foreach (var other in _index.PinnedBy(unit))
            if (HasJob(other) || other.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed))
                return false;
        return true;
    }

    private bool AllowAutoStartStop(UnitRuntime unit)
    {
        if (!_autoStartStop.TryGetValue(unit.Id, out var limit))
            _autoStartStop[unit.Id] = limit = new RateLimit(_manager.Loop.Time, AutoStartStopInterval, AutoStartStopBurst);
        return limit.Allow();
    }

    // ---- the way out: jobs, collection, emergency actions ----------------------------------------------------

    private enum JobKind { Start, Stop }

    /// <summary>
    /// The one place reactions ask the job engine for a job. <paramref name="mode"/> is systemd's job mode
    /// (replace, fail, …): the entry points take none yet, so it is carried to here and goes into the call once they do.
    /// </summary>
    private void Enqueue(JobKind kind, string name, string mode, string what, string? onBehalfOf = null)
    {
        var jobMode = JobModes.Parse(mode) ?? JobMode.Replace;
        var job = kind == JobKind.Start ? _manager.StartJob(name, jobMode) : _manager.StopJob(name, jobMode);
        if (job.IsCompleted && job.Result.Error is { Failure: not JobFailure.UnitFailed } error)
            ManagerLog.FailedToEnqueue(_log, onBehalfOf ?? name, what, Describe(error));
    }

    private string Describe(JobError error)
    {
        if (UnitName.TryParse(error.Unit, out var name) && !name.IsTemplate && _manager.LoadDefinition(name).LoadStateMessage is { } message)
            return message;
        return error.Failure switch
        {
            JobFailure.InvalidName => $"Unit name {error.Unit} is not valid.",
            JobFailure.MissingInstance => $"Unit name {error.Unit} is missing the instance name.",
            JobFailure.UnsupportedType => $"Unit {error.Unit} is of a type Summon does not run.",
            _ => $"Unit {error.Unit}: {error.Failure}.",
        };
    }

    /// <summary>CollectMode=inactive-or-failed: a unit still failed is forgotten, as an inactive one would be.</summary>
    private void Collect(UnitRuntime unit)
    {
        if (unit.ActiveState != UnitActiveState.Failed || HasJob(unit))
            return;
        _manager.Collect(unit);
    }

}
