namespace Summon.Manager;

internal static partial class ManagerHost
{
    /// <summary>`summon daemon --metrics ADDRESS` and the flags that shape its health answers (docs/metrics.md).</summary>
    public sealed record MetricsOptions(string Address)
    {
        /// <summary>Environment variable that gives the address when --metrics is not given.</summary>
        public const string EnvironmentVariable = "SUMMON_METRICS";

        /// <summary>How late the loop's lag probe may be before /livez fails, unless --livez-stall says otherwise.</summary>
        public static readonly TimeSpan DefaultStallLimit = TimeSpan.FromSeconds(10);

        /// <summary>--ready-unit: units /readyz waits for, besides those marked [X-Summon] RequiredForReadiness=yes.</summary>
        public IReadOnlyList<string> ReadyUnits { get; init; } = [];

        /// <summary>--livez-stall.</summary>
        public TimeSpan StallLimit { get; init; } = DefaultStallLimit;
    }
}
