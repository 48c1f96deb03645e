using Summon.Manager.Reexec;

namespace Summon.Manager;

/// <summary>What every unit carries across a re-exec (docs/reexec.md, "Units"): its result and timestamps.</summary>
internal abstract partial class UnitRuntime
{
    internal UnitReexecRecord ToUnitRecord() =>
        new(Id, Result, StateChangeTimestamp, ActiveEnterTimestamp, ActiveExitTimestamp, InactiveEnterTimestamp, InactiveExitTimestamp, _checks?.ToRecord());

    /// <summary>Takes the result and timestamps back without a state change: nothing happened to the unit.</summary>
    protected void RestoreUnitRecord(UnitReexecRecord record)
    {
        Result = record.Result;
        StateChangeTimestamp = record.StateChange;
        ActiveEnterTimestamp = record.ActiveEnter;
        ActiveExitTimestamp = record.ActiveExit;
        InactiveEnterTimestamp = record.InactiveEnter;
        InactiveExitTimestamp = record.InactiveExit;
        if (record.Checks is { } checks)
            Checks.Restore(checks);
    }
}
