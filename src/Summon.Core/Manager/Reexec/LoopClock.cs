namespace Summon.Manager.Reexec;

/// <summary>
/// Deadlines across a re-exec: the loop's timestamps are CLOCK_MONOTONIC, which execve does not reset, so a deadline
/// is written as microseconds on that clock and read back as a timestamp of the new loop (same boot, same clock).
/// </summary>
internal static class LoopClock
{
    public static long ToMicroseconds(TimeProvider time, long timestamp) =>
        (long)((Int128)timestamp * 1_000_000 / time.TimestampFrequency);

    public static long FromMicroseconds(TimeProvider time, long microseconds) =>
        (long)((Int128)microseconds * time.TimestampFrequency / 1_000_000);

    /// <summary>The deadline of a pending loop timer in microseconds; null when none is pending.</summary>
    public static long? DueOf(TimeProvider time, IDisposable? timer) =>
        EventLoop.DueOf(timer) is { } due ? ToMicroseconds(time, due) : null;
}
