namespace Summon.Manager.Metrics;

/// <summary>
/// The loop measures itself: a timer due every <see cref="Interval"/> notes how late it ran (the loop's lag) and when,
/// so /livez can tell a loop that stopped turning and /metrics can show the lag.
/// </summary>
internal sealed class LoopLagProbe : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly EventLoop _loop;
    private readonly Action _tick;
    private IDisposable? _timer;
    private long _dueAt;

    public LoopLagProbe(EventLoop loop)
    {
        _loop = loop;
        _tick = Tick;
        Arm();
    }

    /// <summary>How late the last tick ran.</summary>
    public TimeSpan LastLag { get; private set; }

    /// <summary>The latest tick ran this late at most since the manager started.</summary>
    public TimeSpan MaxLag { get; private set; }

    /// <summary>How late the pending tick is now (zero until it is due): a loop that has not turned shows it here.</summary>
    public TimeSpan Overdue
    {
        get
        {
            var late = _loop.Time.GetElapsedTime(_dueAt);
            return late > TimeSpan.Zero ? late : TimeSpan.Zero;
        }
    }

    private void Arm()
    {
        _dueAt = _loop.Time.GetTimestamp() + (long)(Interval.TotalSeconds * _loop.Time.TimestampFrequency);
        _timer = _loop.Schedule(Interval, _tick);
    }

    private void Tick()
    {
        LastLag = Overdue;
        if (LastLag > MaxLag)
            MaxLag = LastLag;
        Arm();
    }

    public void Dispose() => _timer?.Dispose();
}
