namespace Summon.Manager.Jobs;

/// <summary>How a job ended, as systemd's JobResult (its words are what `Job … finished, result=` says).</summary>
internal enum JobOutcome
{
    Done,
    Canceled,
    Failed,
    /// <summary>A job it required failed.</summary>
    Dependency,
    /// <summary>A verify-active job found its unit inactive.</summary>
    Skipped,
    /// <summary>JobTimeoutSec=/JobRunningTimeoutSec= passed.</summary>
    Timeout,
}
