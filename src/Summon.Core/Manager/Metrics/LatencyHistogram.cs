namespace Summon.Manager.Metrics;

/// <summary>
/// A Prometheus histogram of durations with fixed buckets (seconds): counts per bucket, the sum and the count,
/// observed on the loop without allocating.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds, from a fork-and-exec on an idle machine to a slow service's readiness.</summary>
    public static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly ulong[] _counts = new ulong[Bounds.Length];

    public ulong Count { get; private set; }

    public double Sum { get; private set; }

    /// <summary>Observations at or below <see cref="Bounds"/>[<paramref name="index"/>] (cumulative, as exposed).</summary>
    public ulong CumulativeCount(int index)
    {
        ulong total = 0;
        for (int i = 0; i <= index; i++)
            total += _counts[i];
        return total;
    }

    public void Observe(TimeSpan duration)
    {
        double seconds = Math.Max(0, duration.TotalSeconds);
        Count++;
        Sum += seconds;
        int i = Array.BinarySearch(Bounds, seconds);
        if (i < 0)
            i = ~i;
        if (i < _counts.Length)
            _counts[i]++;
    }
}
