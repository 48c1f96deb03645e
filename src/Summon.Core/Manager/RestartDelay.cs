using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// systemd 254's restart delay: RestartSec= for the first restart, then growing geometrically over RestartSteps=
/// restarts to RestartMaxDelaySec=, and that from then on. Step i of n takes RestartSec × (max ÷ RestartSec)^(i ÷ n),
/// the delay service_restart_usec_next() computes; without steps, a maximum, or a RestartSec= below the maximum the
/// delay stays RestartSec=.
/// </summary>
internal static class RestartDelay
{
    /// <param name="restartsSoFar">Restarts already made in this back-off (the next one is number restartsSoFar + 1).</param>
    public static TimeSpan Next(ServiceSection settings, uint restartsSoFar)
    {
        ulong next = (ulong)restartsSoFar + 1;
        var first = settings.RestartSec;
        var max = settings.RestartMaxDelaySec;
        if (next <= 1 || settings.RestartSteps == 0 || first <= TimeSpan.Zero || max == Timeout.InfiniteTimeSpan || first >= max)
            return first;
        if (next > settings.RestartSteps)
            return max;
        double usec = first.Ticks / (double)TimeSpan.TicksPerMicrosecond
            * Math.Pow((double)max.Ticks / first.Ticks, (double)(next - 1) / settings.RestartSteps);
        return TimeSpan.FromTicks((long)Math.Floor(usec) * TimeSpan.TicksPerMicrosecond);   // usec_t truncates
    }
}
