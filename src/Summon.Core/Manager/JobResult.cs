using Summon.Control;

namespace Summon.Manager;

/// <summary>The outcome of a job: success, or why it failed (the CLI words it, as systemctl would).</summary>
internal readonly record struct JobResult(JobError? Error)
{
    public bool Success => Error is null;

    public static JobResult Ok => default;

    public static JobResult Failed(string unit, JobFailure failure, string? result = null) => new(new JobError(unit, failure, result));
}
