namespace Summon.Manager.Metrics;

/// <summary>
/// What the manager counts for the metrics page beyond each unit's own counters: activation and spawn latencies,
/// observed on the loop whether or not the endpoint is on (an observation is a few additions).
/// </summary>
internal sealed class ManagerMetrics(DateTimeOffset started)
{
    /// <summary>When the manager started: the _created time of the manager-wide counters.</summary>
    /// <summary>When the manager started; a re-exec keeps its first image's.</summary>
    public DateTimeOffset Started { get; set; } = started;

    /// <summary>A connection accepted (or a socket triggered) until its service is active: spawned, or READY=1 for Type=notify.</summary>
    public LatencyHistogram Activation { get; } = new();

    /// <summary>Building a command's spawn request and starting its process, on the loop.</summary>
    public LatencyHistogram Spawn { get; } = new();

    /// <summary>Loop time the last /metrics took: writing the page and handing it to the socket.</summary>
    public TimeSpan LastScrape { get; set; }

    /// <summary>The loop's own lateness; null while no endpoint runs it.</summary>
    public LoopLagProbe? Lag { get; set; }
}
