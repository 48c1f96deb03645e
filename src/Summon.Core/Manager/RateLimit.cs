namespace Summon.Manager;

/// <summary>
/// systemd's ratelimit: at most <c>burst</c> events per <c>interval</c>, the window starting at the first event
/// after the previous window ended. A zero interval or burst disables the limit. Time comes from a TimeProvider,
/// so limits are tested with a fake clock.
/// </summary>
internal sealed class RateLimit(TimeProvider time, TimeSpan interval, uint burst)
{
    private long _windowStart;
    private uint _count;

    public TimeSpan Interval { get; } = interval;

    public uint Burst { get; } = burst;

    public bool Enabled => Interval > TimeSpan.Zero && Burst > 0;

    /// <summary>Counts one event; false when it exceeds the limit.</summary>
    public bool Allow()
    {
        if (!Enabled)
            return true;
        long now = time.GetTimestamp();
        if (_count == 0 || time.GetElapsedTime(_windowStart, now) > Interval)
        {
            _windowStart = now;
            _count = 0;
        }
        if (_count >= Burst)
            return false;
        _count++;
        return true;
    }

    /// <summary>Takes back the last counted event: it turned out not to have happened (an accept that found nothing).</summary>
    public void Refund()
    {
        if (_count > 0)
            _count--;
    }

    /// <summary>How long until the current window ends (zero once it has): sd-event pauses a limited source that long.</summary>
    public TimeSpan WindowRemaining
    {
        get
        {
            var left = Interval - time.GetElapsedTime(_windowStart);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void Reset() => _count = 0;

    /// <summary>The current window (its start, a timestamp of the clock, and its count): what a re-exec carries.</summary>
    public (long WindowStart, uint Count) Window => (_windowStart, _count);

    /// <summary>Takes a window back after a re-exec.</summary>
    public void Restore(long windowStart, uint count)
    {
        _windowStart = windowStart;
        _count = count;
    }
}
