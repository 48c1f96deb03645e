using Summon.Control;
using Summon.Units;

namespace Summon.Manager;

/// <summary>The runtime side of one unit: its loaded definition, its state and the timestamps systemd keeps.</summary>
internal abstract partial class UnitRuntime
{
    protected UnitRuntime(UnitManager manager, LoadedUnit definition, string? id = null)
    {
        Manager = manager;
        Definition = definition;
        Id = id ?? definition.Name.Name;
    }

    public string Id { get; }

    public LoadedUnit Definition { get; internal set; }

    public virtual string Description => Definition.Description;

    public abstract UnitActiveState ActiveState { get; }

    public abstract string SubState { get; }

    public string Result { get; protected set; } = UnitResult.Success;

    public DateTimeOffset? StateChangeTimestamp { get; private set; }

    public DateTimeOffset? ActiveEnterTimestamp { get; private set; }

    public DateTimeOffset? ActiveExitTimestamp { get; private set; }

    public DateTimeOffset? InactiveEnterTimestamp { get; private set; }

    public DateTimeOffset? InactiveExitTimestamp { get; private set; }

    protected UnitManager Manager { get; }

    /// <summary>The results of the last start's Condition*=/Assert*= tests (issue 13, conditions).</summary>
    public Conditions.StartChecks Checks => _checks ??= new();

    private Conditions.StartChecks? _checks;

    /// <summary>True for a unit whose start tests nothing and records nothing: an Accept=yes connection's instance
    /// without Condition*=/Assert*= (one per connection, on the accept path).</summary>
    protected virtual bool SkipsStartChecks => false;

    /// <summary>
    /// systemd's unit_start() checks, at a start from inactive or failed: a failed condition settles the start job
    /// as done and a failed assert fails it (result "assert"); either way the caller starts nothing.
    /// </summary>
    protected Conditions.StartCheck CheckStartConditions()
    {
        if (SkipsStartChecks && Definition.Unit.Conditions.Count == 0 && Definition.Unit.Asserts.Count == 0)
            return Conditions.StartCheck.Pass;
        var check = Checks.Run(this, Manager.ConditionEvaluator, Manager.Now, Manager.Log);
        if (check == Conditions.StartCheck.Skip)
            SettleStartJob(JobResult.Ok);
        else if (check == Conditions.StartCheck.AssertFailed)
            SettleStartJob(JobResult.Failed(Id, JobFailure.AssertFailed, "assert"));
        return check;
    }

    /// <summary>Starts the unit; false when it refused at once (its <see cref="Result"/> says why).</summary>
    public abstract bool Start();

    public abstract void Stop();

    /// <summary>True when the unit holds nothing (no process, no fd) and may be forgotten.</summary>
    public abstract bool CanCollect { get; }

    public virtual void ResetFailed()
    {
        if (ActiveState == UnitActiveState.Failed)
            Result = UnitResult.Success;
    }

    private List<TaskCompletionSource<JobResult>>? _startWaiters;
    private List<TaskCompletionSource<JobResult>>? _stopWaiters;

    /// <summary>
    /// Opens (or joins) the start job: completes when the unit is active (success) or ends failed or dead
    /// (failure, except a unit that ran to completion). Call before <see cref="Start"/>, which may finish the job
    /// synchronously.
    /// </summary>
    internal Task<JobResult> BeginStartJob()
    {
        var tcs = new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_startWaiters ??= []).Add(tcs);
        return tcs.Task;
    }

    private List<Action<JobResult>>? _startWatchers;
    private List<Action>? _stopWatchers;

    /// <summary>
    /// As <see cref="BeginStartJob"/>, but <paramref name="settled"/> is called on the loop, in the very state change
    /// that settles the start (the job engine's jobs end with their unit's transition, not a turn later).
    /// </summary>
    internal void WatchStart(Action<JobResult> settled) => (_startWatchers ??= []).Add(settled);

    /// <summary>As <see cref="WaitForStop"/>, with <paramref name="stopped"/> called in the state change (at once if stopped).</summary>
    internal void WatchStop(Action stopped)
    {
        if (ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed)
            stopped();
        else
            (_stopWatchers ??= []).Add(stopped);
    }

    /// <summary>Settles an open start job that <see cref="Start"/> refused or that needs no state change.</summary>
    internal void SettleStartJob(JobResult result)
    {
        var starts = _startWaiters;
        _startWaiters = null;
        foreach (var waiter in starts ?? [])
            waiter.TrySetResult(result);
        var watchers = _startWatchers;
        _startWatchers = null;
        foreach (var watcher in watchers ?? [])
            watcher(result);
    }

    /// <summary>Completes when the unit has stopped (inactive or failed).</summary>
    internal Task<JobResult> WaitForStop()
    {
        if (ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed)
            return Task.FromResult(JobResult.Ok);
        var tcs = new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_stopWaiters ??= []).Add(tcs);
        return tcs.Task;
    }

    private void ResolveWaiters(UnitActiveState to, bool settled)
    {
        if ((_startWaiters is { Count: > 0 } || _startWatchers is { Count: > 0 })
            && (to is UnitActiveState.Active or UnitActiveState.Reloading || (settled && to is UnitActiveState.Failed or UnitActiveState.Inactive)))
        {
            // A unit that ran to completion (Type=oneshot without RemainAfterExit=) ends inactive with success: its
            // start job succeeded.
            bool ok = to is UnitActiveState.Active or UnitActiveState.Reloading || (to == UnitActiveState.Inactive && Result is UnitResult.Success or UnitResult.ExecCondition);
            SettleStartJob(ok ? JobResult.Ok : JobResult.Failed(Id, JobFailure.UnitFailed, Result));
        }
        if (settled && to is UnitActiveState.Inactive or UnitActiveState.Failed)
        {
            var stops = _stopWaiters;
            _stopWaiters = null;
            foreach (var waiter in stops ?? [])
                waiter.TrySetResult(JobResult.Ok);
            var watchers = _stopWatchers;
            _stopWatchers = null;
            foreach (var watcher in watchers ?? [])
                watcher();
        }
    }

    /// <summary>Records the timestamps systemd keeps for a transition between generic states.</summary>
    protected void OnStateChanged(UnitActiveState from, UnitActiveState to, bool settled = true)
    {
        ResolveWaiters(to, settled);
        var now = Manager.Now;
        StateChangeTimestamp = now;
        if (from != to)
        {
            // A reload is still active time (UNIT_IS_ACTIVE_OR_RELOADING): only entering or leaving both counts.
            bool wasActive = from is UnitActiveState.Active or UnitActiveState.Reloading;
            bool isActive = to is UnitActiveState.Active or UnitActiveState.Reloading;
            if (isActive && !wasActive)
                ActiveEnterTimestamp = now;
            if (wasActive && !isActive)
                ActiveExitTimestamp = now;
            if (to is UnitActiveState.Inactive or UnitActiveState.Failed)
                InactiveEnterTimestamp = now;
            if (from is UnitActiveState.Inactive or UnitActiveState.Failed)
                InactiveExitTimestamp = now;
        }
        Manager.OnUnitStateChanged(this, from, to, settled);
    }

    /// <summary>True while a start or stop job of this unit waits to settle (systemd's u->job).</summary>
    internal bool HasJob => _startWaiters is { Count: > 0 } || _stopWaiters is { Count: > 0 };
}
