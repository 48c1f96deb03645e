namespace Summon.Control;

/// <summary>
/// Why a job did not succeed, as the manager reports it over the control socket; the CLI words each one as
/// systemctl does and picks systemctl's exit code (Cli/Rendering/JobMessages.cs).
/// </summary>
internal enum JobFailure
{
    /// <summary>The unit ended failed (or refused to start); <see cref="JobError.Result"/> says why (timeout, exit-code…).</summary>
    UnitFailed,

    /// <summary>The job was superseded before it could run (reload of a unit that is not running).</summary>
    Canceled,

    InvalidName,

    /// <summary>A template name without an instance.</summary>
    MissingInstance,

    NotFound,

    Masked,

    /// <summary>A loaded unit of a type the manager does not run (.target, .timer, …).</summary>
    UnsupportedType,

    /// <summary>The unit file did not load (bad setting, unreadable).</summary>
    BadSetting,

    /// <summary>reload: the unit is not active.</summary>
    NotActive,

    /// <summary>reload: the service has no ExecReload=.</summary>
    NotApplicable,

    /// <summary>kill: nothing of the unit runs.</summary>
    NoProcesses,

    /// <summary>stop: no such unit at all.</summary>
    NotLoaded,

    /// <summary>start: an Assert*= of the unit failed (systemd's job result "assert"; issue 13).</summary>
    AssertFailed,

    // The job engine's (issue 13, jobs part).

    /// <summary>A job the unit's job required failed (systemd's job result "dependency").</summary>
    Dependency,

    /// <summary>RefuseManualStart=/RefuseManualStop=: only a dependency may start or stop the unit.</summary>
    RefusedManually,

    /// <summary>isolate of a unit without AllowIsolate=yes.</summary>
    NotIsolatable,

    /// <summary>An ordering cycle with no job that could be deleted to break it.</summary>
    OrderCyclic,

    /// <summary>Two jobs for one unit that cannot be merged; <see cref="JobError.Result"/> is "TYPE1 TYPE2 UNIT".</summary>
    ConflictingJobs,

    /// <summary>--job-mode=fail against a queued job; <see cref="JobError.Result"/> is "ANCHOR/TYPE UNIT QUEUED NEW".</summary>
    Destructive,

    /// <summary>JobTimeoutSec=/JobRunningTimeoutSec= passed before the job ended (systemd's job result "timeout").</summary>
    TimedOut,
}

/// <summary>One failed job of a request: the unit, why, and the unit's result when it ended failed.</summary>
internal sealed record JobError(string Unit, JobFailure Failure, string? Result = null);
