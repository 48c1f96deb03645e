using Summon.Control;

namespace Summon.Manager.Jobs;

/// <summary>
/// An installed job: one per unit at most, waiting until nothing it is ordered after has a job of its own (then
/// running), finished with a <see cref="JobOutcome"/> that every request waiting on it learns.
/// </summary>
internal sealed class Job(uint id, UnitRuntime unit, JobType type)
{
    private List<TaskCompletionSource<JobResult>>? _waiters;

    public uint Id { get; } = id;

    public UnitRuntime Unit { get; } = unit;

    /// <summary>The type; a restart becomes a start once its stop half is done.</summary>
    public JobType Type { get; set; } = type;

    public JobState State { get; set; }

    /// <summary>ignore-dependencies: the job neither waits nor is waited for.</summary>
    public bool IgnoreOrder { get; set; }

    /// <summary>replace-irreversibly: a later transaction may not replace it.</summary>
    public bool Irreversible { get; set; }

    /// <summary>JobTimeoutSec= and JobRunningTimeoutSec= while they run; disposed when the job finishes.</summary>
    public IDisposable? QueuedTimer { get; set; }

    public IDisposable? RunningTimer { get; set; }

    /// <summary>"unit/type", as systemd names a job in its messages.</summary>
    public string Name => $"{Unit.Id}/{Type.Word()}";

    /// <summary>Completes with the job's result.</summary>
    public Task<JobResult> Wait()
    {
        var tcs = new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_waiters ??= []).Add(tcs);
        return tcs.Task;
    }

    /// <summary>Tells every waiter how the job ended.</summary>
    public void Complete(JobResult result)
    {
        var waiters = _waiters;
        _waiters = null;
        foreach (var waiter in waiters ?? [])
            waiter.TrySetResult(result);
    }
}

/// <summary>A job waits for what it is ordered after, then runs until its unit settles.</summary>
internal enum JobState
{
    Waiting,
    Running,
}
