using Summon.Manager.Jobs;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A .target: no process and no fd, only a state — active once its start job runs (after what it is ordered after),
/// inactive once stopped — so that units can be grouped, pulled in and ordered by it, as systemd's target units.
/// </summary>
internal sealed partial class TargetUnit(UnitManager manager, LoadedUnit definition) : UnitRuntime(manager, definition)
{
    private bool _active;

    public override UnitActiveState ActiveState => _active ? UnitActiveState.Active : UnitActiveState.Inactive;

    public override string SubState => _active ? "active" : "dead";

    public override bool CanCollect => !_active;

    public override bool Start()
    {
        if (_active)
            return true;
        if (CheckStartConditions() is var check and not Conditions.StartCheck.Pass)
            return check == Conditions.StartCheck.Skip;   // a target skipped by its conditions stays inactive
        _active = true;
        JobLog.ReachedTarget(Manager.Log, Id, ManagerLog.Suffix(this));
        OnStateChanged(UnitActiveState.Inactive, UnitActiveState.Active);
        return true;
    }

    public override void Stop()
    {
        if (!_active)
            return;
        _active = false;
        JobLog.StoppedTarget(Manager.Log, Id, ManagerLog.Suffix(this));
        OnStateChanged(UnitActiveState.Active, UnitActiveState.Inactive);
    }
}
