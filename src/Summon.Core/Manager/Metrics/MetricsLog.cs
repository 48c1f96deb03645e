using Microsoft.Extensions.Logging;

namespace Summon.Manager.Metrics;

/// <summary>The metrics endpoint's lines in the journal.</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(1601, LogLevel.Information, "Serving /metrics, /readyz and /livez on {Address}.")]
    public static partial void Listening(ILogger logger, string address);
}
