namespace Summon.Control;

/// <summary>
/// Why a unit last stopped or failed (systemd's Result= values for sockets and services): words of the protocol, which a
/// failed job carries (<see cref="JobError.Result"/>) and the CLI words ("Job for … failed because a timeout was exceeded").
/// </summary>
internal static class UnitResult
{
    public const string Success = "success";
    public const string Resources = "resources";
    public const string ExitCode = "exit-code";
    public const string Signal = "signal";

    /// <summary>The kernel's OOM killer ended a process of the unit's cgroup (memory.events oom_kill).</summary>
    public const string OomKill = "oom-kill";
    public const string CoreDump = "core-dump";
    public const string Timeout = "timeout";
    public const string Watchdog = "watchdog";
    public const string StartLimitHit = "start-limit-hit";
    public const string TriggerLimitHit = "trigger-limit-hit";
    public const string ServiceStartLimitHit = "service-start-limit-hit";

    /// <summary>The service did not take the steps its type requires (a Type=notify service exited before READY=1).</summary>
    public const string Protocol = "protocol";

    /// <summary>ExecCondition= exited 1–254: the start was skipped, the unit is inactive, not failed (issue 13).</summary>
    public const string ExecCondition = "exec-condition";
}
