using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>
/// A failed job as systemctl words it, and the exit code it gives (5 for a unit that does not exist, 1 otherwise).
/// The manager only says what failed and why (<see cref="JobError"/>).
/// </summary>
internal static class JobMessages
{
    /// <param name="systemctl">How the hints call status: "summon", "systemctl --user", … (<see cref="Hints"/>).</param>
    /// <param name="journalctl">How the hints call the journal: "summon journal", "journalctl", ….</param>
    public static (string Text, int ExitCode) Describe(string method, JobError error, string systemctl = "summon", string journalctl = "summon journal")
    {
        string unit = error.Unit;
        string verb = Verb(method);
        return error.Failure switch
        {
            JobFailure.UnitFailed => ($"Job for {unit} failed{Why(error.Result)}.\nSee \"{systemctl} status {unit}\" and \"{journalctl} -xeu {unit}\" for details.", 1),
            JobFailure.Canceled => ($"Job for {unit} canceled.", 1),
            JobFailure.TimedOut => ($"Job for {unit} timed out.", 1),
            JobFailure.InvalidName => ($"Invalid unit name \"{unit}\" escaped as \"{unit}\".", 1),
            JobFailure.MissingInstance => ($"Failed to {verb} {unit}: Unit name {unit} is missing the instance name.", 1),
            JobFailure.NotFound => ($"Failed to {verb} {unit}: Unit {error.Result ?? unit} not found.", 5),
            JobFailure.Masked => ($"Failed to {verb} {unit}: Unit {error.Result ?? unit} is masked.", 1),
            JobFailure.UnsupportedType => ($"Failed to {verb} {unit}: Unit type not supported.", 1),
            JobFailure.BadSetting => ($"Failed to {verb} {unit}: Unit {unit} has a bad unit file setting.\nSee system logs and '{systemctl} status {unit}' for details.", 1),
            JobFailure.NotActive => ($"Failed to reload {unit}: Unit {unit} is not active.", 1),
            JobFailure.NotApplicable => ($"Failed to reload {unit}: Job type reload is not applicable for unit {unit}.", 1),
            JobFailure.NoProcesses => ($"Failed to kill unit {unit}: No main processes to kill", 1),
            JobFailure.NotLoaded => ($"Failed to stop {unit}: Unit {unit} not loaded.", 5),
            JobFailure.AssertFailed => ($"Assertion failed on job for {unit}.", 1),

            JobFailure.Dependency => ($"A dependency job for {unit} failed. See 'journalctl -xe' for details.", 1),
            JobFailure.RefusedManually => ($"Failed to {verb} {unit}: Operation refused, unit {unit} may be requested by dependency only (it is configured to refuse manual start/stop).\nSee system logs and '{systemctl} status {unit}' for details.", 4),
            JobFailure.NotIsolatable => ($"Failed to {verb} {unit}: Operation refused, unit may not be isolated.\nSee system logs and '{systemctl} status {unit}' for details.", 4),
            JobFailure.OrderCyclic => ($"Failed to {verb} {unit}: Transaction order is cyclic. See system logs for details.\nSee system logs and '{systemctl} status {unit}' for details.", 1),
            JobFailure.ConflictingJobs when Words(error.Result, 3) is [var first, var second, var other] =>
                ($"Failed to {verb} {unit}: Transaction contains conflicting jobs '{first}' and '{second}' for {other}. Probably contradicting requirement dependencies configured.\nSee system logs and '{systemctl} status {unit}' for details.", 1),
            JobFailure.Destructive when Words(error.Result, 4) is [var job, var other, var queued, var added] =>
                ($"Failed to {verb} {unit}: Transaction for {job} is destructive ({other} has '{queued}' job queued, but '{added}' is included in transaction).\nSee system logs and '{systemctl} status {unit}' for details.", 4),
            JobFailure.ConflictingJobs => ($"Failed to {verb} {unit}: Transaction contains conflicting jobs.", 1),
            JobFailure.Destructive => ($"Failed to {verb} {unit}: Transaction is destructive.", 4),
            _ => ($"Failed to {verb} {unit}.", 1),
        };
    }

    /// <summary>The words the manager packed into <see cref="JobError.Result"/>, when there are that many.</summary>
    private static string[] Words(string? text, int count) => text?.Split(' ') is { } words && words.Length == count ? words : [];

    /// <summary>systemctl's verb for a control method; a restart of a unit that cannot load is reported as its start.</summary>
    private static string Verb(string method) => method switch
    {
        ControlMethods.Stop => "stop",
        ControlMethods.ReloadUnit => "reload",
        ControlMethods.Kill => "kill",
        _ => "start",
    };

    /// <summary>What systemctl adds to "Job for … failed", by the unit's result.</summary>
    private static string Why(string? result) => result switch
    {
        UnitResult.ExitCode => " because the control process exited with error code",
        UnitResult.Timeout => " because a timeout was exceeded",
        UnitResult.Signal or UnitResult.CoreDump => " because a fatal signal was delivered to the control process",
        UnitResult.StartLimitHit => " because start of the service was attempted too often",
        UnitResult.Resources => " because of unavailable resources or another system error",
        UnitResult.Protocol => " because the service did not take the steps required by its unit configuration",
        _ => "",
    };
}
