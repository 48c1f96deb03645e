using Microsoft.Extensions.Logging;

namespace Summon.Manager.Jobs;

/// <summary>The job engine's journal lines, worded as systemd 252's transaction.c, job.c and target.c log them.</summary>
internal static partial class JobLog
{
    [LoggerMessage(1, LogLevel.Information, "Reached target {Unit}{Description}.")]
    public static partial void ReachedTarget(ILogger logger, string unit, string description);

    [LoggerMessage(2, LogLevel.Information, "Stopped target {Unit}{Description}.")]
    public static partial void StoppedTarget(ILogger logger, string unit, string description);

    /// <summary>"X: Found ordering cycle on Y/start" for the first job of the cycle, "Found dependency on" for the rest.</summary>
    [LoggerMessage(3, LogLevel.Warning, "{Unit}: Found {What} on {Job}")]
    public static partial void FoundCycle(ILogger logger, string unit, string what, string job);

    [LoggerMessage(4, LogLevel.Warning, "{Unit}: Job {Deleted} deleted to break ordering cycle starting with {Start}")]
    public static partial void DeletedToBreakCycle(ILogger logger, string unit, string deleted, string start);

    [LoggerMessage(5, LogLevel.Error, "{Unit}: Unable to break cycle starting with {Start}")]
    public static partial void UnableToBreakCycle(ILogger logger, string unit, string start);

    [LoggerMessage(6, LogLevel.Warning, "{Unit}: Cannot add dependency job, ignoring: {Reason}")]
    public static partial void CannotAddDependency(ILogger logger, string unit, string reason);

    [LoggerMessage(7, LogLevel.Debug, "{Unit}: Fixing conflicting jobs {Kept},{Deleted} by deleting job {Deleted}")]
    public static partial void FixingConflict(ILogger logger, string unit, string kept, string deleted);

    [LoggerMessage(9, LogLevel.Error, "Requested transaction contradicts existing jobs: {Reason}")]
    public static partial void Contradicts(ILogger logger, string reason);

    /// <summary>job_timer(): JobTimeoutSec=/JobRunningTimeoutSec= passed.</summary>
    [LoggerMessage(10, LogLevel.Warning, "{Unit}: Job {Job} timed out.")]
    public static partial void TimedOut(ILogger logger, string unit, string job);
}
