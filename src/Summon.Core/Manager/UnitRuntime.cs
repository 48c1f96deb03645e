using Summon.Control;
using Summon.Units;

namespace Summon.Manager;

/// <summary>The runtime side of one unit: its loaded definition, its state and the timestamps systemd keeps.</summary>
internal abstract class UnitRuntime
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

    /// <summary>Settles an open start job that <see cref="Start"/> refused or that needs no state change.</summary>
    internal void SettleStartJob(JobResult result)
    {
        var starts = _startWaiters;
        _startWaiters = null;
        foreach (var waiter in starts ?? [])
            waiter.TrySetResult(result);
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
        if (_startWaiters is { Count: > 0 } starts && (to is UnitActiveState.Active or UnitActiveState.Reloading || (settled && to is UnitActiveState.Failed or UnitActiveState.Inactive)))
        {
            // A unit that ran to completion (Type=oneshot without RemainAfterExit=) ends inactive with success: its
            // start job succeeded.
            bool ok = to is UnitActiveState.Active or UnitActiveState.Reloading || (to == UnitActiveState.Inactive && Result == UnitResult.Success);
            var result = ok ? JobResult.Ok : JobResult.Failed(Id, JobFailure.UnitFailed, Result);
            _startWaiters = null;
            foreach (var waiter in starts)
                waiter.TrySetResult(result);
        }
        if (_stopWaiters is { Count: > 0 } stops && settled && to is UnitActiveState.Inactive or UnitActiveState.Failed)
        {
            _stopWaiters = null;
            foreach (var waiter in stops)
                waiter.TrySetResult(JobResult.Ok);
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
            if (to == UnitActiveState.Active)
                ActiveEnterTimestamp = now;
            if (from == UnitActiveState.Active)
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
