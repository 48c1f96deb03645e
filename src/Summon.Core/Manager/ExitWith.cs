using Summon.Processes;

namespace Summon.Manager;

/// <summary>
/// <c>summon daemon --exit-with UNIT</c>: when that unit stops or fails (and will not restart), every unit is stopped
/// and the manager exits with the unit's status, as a container's init does for its main program.
/// </summary>
internal sealed class ExitWith(string unit)
{
    public string Unit { get; } = unit;

    /// <summary>A settled state change: the manager is asked to exit when it is the end of <see cref="Unit"/>.</summary>
    public void Observe(UnitManager manager, UnitRuntime changed, UnitActiveState from, UnitActiveState to)
    {
        if (to is not (UnitActiveState.Inactive or UnitActiveState.Failed) || from is UnitActiveState.Inactive or UnitActiveState.Failed)
            return;
        if (!string.Equals(changed.Id, Unit, StringComparison.Ordinal))
            return;
        var (status, how) = StatusOf(changed, to);
        ManagerLog.ExitWith(manager.Log, Unit, how, status);
        manager.RequestExit(status, force: false);
    }

    /// <summary>
    /// The main process's exit code, 128 + the signal that killed it (as a shell says), else 1 for a failed unit and
    /// 0 for one that stopped cleanly; and the words for the log line.
    /// </summary>
    public static (int Status, string How) StatusOf(UnitRuntime unit, UnitActiveState state)
    {
        if (unit is ServiceUnit { ExecMainStatus: { } main })
            return main.Code == ExitCode.Exited
                ? (main.Status, $"status={main.Status}")
                : (128 + main.Status, $"signal={main.Status}");
        return state == UnitActiveState.Failed ? (1, "failed") : (0, "stopped");
    }
}
