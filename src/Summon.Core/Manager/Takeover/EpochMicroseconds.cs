namespace Summon.Manager.Takeover;

/// <summary>
/// Wall-clock times in the manager's state documents (the crash takeover's file and the re-exec's memfd): microseconds
/// since the epoch, as systemd's own serialization keeps them.
/// </summary>
internal static class EpochMicroseconds
{
    public static long From(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset To(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
}
