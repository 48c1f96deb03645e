using Summon.Manager.Reexec;

namespace Summon.Manager;

/// <summary>A target across a re-exec: whether it is active, so that a job carried over does not start it twice.</summary>
internal sealed partial class TargetUnit
{
    internal TargetReexecRecord ToReexecRecord() => new(ToUnitRecord(), _active);

    internal void RestoreAfterReexec(TargetReexecRecord record)
    {
        RestoreUnitRecord(record.Unit);
        _active = record.Active;
        Manager.OnUnitStateChanged(this);
    }
}
