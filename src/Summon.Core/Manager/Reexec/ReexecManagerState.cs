namespace Summon.Manager.Reexec;

/// <summary>
/// The manager's part of the re-exec state (docs/reexec.md, "manager"): its own fds, named by the numbers they keep
/// across execve (-1 for one it does not have), and the counters and timestamps that outlive one image.
/// </summary>
internal sealed record ReexecManagerState
{
    /// <summary>The pid that wrote the state; the new image checks it is the same process.</summary>
    public required int Pid { get; init; }

    /// <summary>The binary execve was given (/proc/self/exe, or --binary).</summary>
    public required string Binary { get; init; }

    /// <summary>How many re-execs the manager has been through, this one included.</summary>
    public required long Generation { get; init; }

    /// <summary>When the first image of this manager started (the metrics' start time).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>The id the next job gets, so ids are not reused after the re-exec.</summary>
    public required uint NextJobId { get; init; }

    /// <summary>The control socket's listening fd.</summary>
    public required int ControlFd { get; init; }

    /// <summary>The sd_notify socket, or -1.</summary>
    public int NotifyFd { get; init; } = -1;

    /// <summary>The metrics endpoint's listening fd (--metrics), or -1.</summary>
    public int MetricsFd { get; init; } = -1;

    /// <summary>The runtime directory's lock, held across execve so no second manager slips in.</summary>
    public required int RuntimeLockFd { get; init; }

    /// <summary>The state directory's lock, or -1 (a read-only state directory without one).</summary>
    public int StateLockFd { get; init; } = -1;

    /// <summary>Every fd of this part that is there (not -1).</summary>
    public IEnumerable<int> Fds()
    {
        foreach (int fd in (int[])[ControlFd, NotifyFd, MetricsFd, RuntimeLockFd, StateLockFd])
            if (fd >= 0)
                yield return fd;
    }
}
