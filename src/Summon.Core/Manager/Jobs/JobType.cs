namespace Summon.Manager.Jobs;

/// <summary>systemd's job types (job.h), those a transaction of this manager can hold.</summary>
internal enum JobType
{
    Start,
    VerifyActive,
    Stop,
    Reload,
    Restart,
    TryRestart,
    Nop,
}

internal static class JobTypes
{
    /// <summary>The word systemd prints for the type ("verify-active", "try-restart", …).</summary>
    public static string Word(this JobType type) => type switch
    {
        JobType.Start => "start",
        JobType.VerifyActive => "verify-active",
        JobType.Stop => "stop",
        JobType.Reload => "reload",
        JobType.Restart => "restart",
        JobType.TryRestart => "try-restart",
        _ => "nop",
    };

    /// <summary>A stop, or a restart before its start half: ordered as a stop (systemd's job_compare()).</summary>
    public static bool StopsFirst(this JobType type) => type is JobType.Stop or JobType.Restart;

    /// <summary>
    /// job_type_merge_and_collapse(): two jobs for one unit as one, or null when they conflict (a stop with anything
    /// but a stop).
    /// </summary>
    public static JobType? Merge(JobType a, JobType b)
    {
        if (a == b)
            return a;
        if (a == JobType.Nop)
            return b;
        if (b == JobType.Nop)
            return a;
        if (a == JobType.Stop || b == JobType.Stop)
            return null;
        if (a == JobType.Restart || b == JobType.Restart)
            return JobType.Restart;
        if (a == JobType.TryRestart || b == JobType.TryRestart)
            return (a, b) is (JobType.VerifyActive, _) or (_, JobType.VerifyActive) ? JobType.TryRestart : JobType.Restart;
        if (a == JobType.Start || b == JobType.Start)
            return JobType.Start;   // start + verify-active; start + reload starts (reload-or-start of an inactive unit)
        return JobType.Reload;   // verify-active + reload
    }

    /// <summary>job_type_is_redundant(): nothing to do for a unit in <paramref name="state"/>.</summary>
    public static bool IsRedundant(this JobType type, UnitActiveState state) => type switch
    {
        JobType.Start or JobType.VerifyActive => state is UnitActiveState.Active or UnitActiveState.Reloading,
        JobType.Stop => state is UnitActiveState.Inactive or UnitActiveState.Failed,
        JobType.Reload => state == UnitActiveState.Reloading,
        JobType.Nop => true,
        _ => false,
    };
}
