using Summon.Units;

namespace Summon.Manager;

/// <summary>The runtime side of one unit: its loaded definition, its state and the timestamps systemd keeps.</summary>
public abstract class UnitRuntime
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

    /// <summary>Starts the unit. Returns null on success or the job failure text.</summary>
    public abstract string? Start();

    public abstract void Stop();

    /// <summary>True when the unit holds nothing (no process, no fd) and may be forgotten.</summary>
    public abstract bool CanCollect { get; }

    public virtual void ResetFailed()
    {
        if (ActiveState == UnitActiveState.Failed)
            Result = UnitResult.Success;
    }

    /// <summary>Records the timestamps systemd keeps for a transition between generic states.</summary>
    protected void OnStateChanged(UnitActiveState from, UnitActiveState to)
    {
        var now = Manager.Now;
        StateChangeTimestamp = now;
        if (from == to)
            return;
        if (to == UnitActiveState.Active)
            ActiveEnterTimestamp = now;
        if (from == UnitActiveState.Active)
            ActiveExitTimestamp = now;
        if (to is UnitActiveState.Inactive or UnitActiveState.Failed)
            InactiveEnterTimestamp = now;
        if (from is UnitActiveState.Inactive or UnitActiveState.Failed)
            InactiveExitTimestamp = now;
    }
}
