using Microsoft.Extensions.Logging;
using Summon.Processes;

namespace Summon.Manager.Jobs;

/// <summary>
/// SuccessAction=, FailureAction= and StartLimitAction= for a manager that is at most PID 1 of a container: "exit"
/// stops every unit and ends the manager, "exit-force" kills every unit's processes first (no ExecStop=, no stop
/// timeout). Summon never reboots, halts or powers off the machine: reboot, poweroff, halt and kexec act as "exit",
/// their -force and -immediate forms as "exit-force", as systemd itself does for "exit" in a container
/// (docs/compatibility.md).
/// </summary>
internal static class EmergencyAction
{
    /// <summary>Runs <paramref name="action"/> for <paramref name="unit"/>; <paramref name="outcome"/> is "failed" or
    /// "succeeded", <paramref name="exitStatus"/> the manager's exit status when one applies.</summary>
    public static void Run(UnitManager manager, ILogger log, string unit, string action, int? exitStatus, string outcome)
    {
        if (action is "none" or "")
            return;
        bool force = action is "exit-force" || action.EndsWith("-force", StringComparison.Ordinal) || action.EndsWith("-immediate", StringComparison.Ordinal);
        if (action is not ("exit" or "exit-force"))
            ManagerLog.EmergencyActionInstead(log, unit, force ? "exit-force" : "exit", action);
        ManagerLog.EmergencyAction(log, force ? "Exiting immediately" : "Exiting", unit, outcome);
        manager.RequestExit(exitStatus, force);
    }

    /// <summary>
    /// unit_success_action_exit_status()/unit_failure_action_exit_status(): the configured status, else the main
    /// process's exit code, 255 when it was killed by a signal, none when there was no main process.
    /// </summary>
    public static int? ExitStatus(UnitRuntime unit, int? configured)
    {
        if (configured is { } set)
            return set;
        if (unit is not ServiceUnit { ExecMainStatus: { } status })
            return null;
        return status.Code == ExitCode.Exited ? status.Status : 255;
    }
}
