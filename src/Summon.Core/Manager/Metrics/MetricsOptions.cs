namespace Summon.Manager.Metrics;

/// <summary>`summon daemon --metrics ADDRESS` and the flags that shape its health answers.</summary>
internal sealed record MetricsOptions(string Address)
{
    /// <summary>Environment variable that gives the address when --metrics is not given.</summary>
    public const string EnvironmentVariable = "SUMMON_METRICS";

    /// <summary>How long the loop may go without turning before /livez fails, unless --livez-stall says otherwise.</summary>
    public static readonly TimeSpan DefaultStallLimit = TimeSpan.FromSeconds(10);

    /// <summary>--ready-unit: units /readyz waits for, besides those marked [X-Summon] RequiredForReadiness=yes.</summary>
    public IReadOnlyList<string> ReadyUnits { get; init; } = [];

    /// <summary>--livez-stall.</summary>
    public TimeSpan StallLimit { get; init; } = DefaultStallLimit;
}
