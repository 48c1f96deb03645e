using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>What an idle stop says ([X-Summon] IdleStopSec=, docs/extensions.md). Ids 1551–1559 belong to this file.</summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1551, LogLevel.Information, "{Unit}: No connection for IdleStopSec={Idle}, stopping {Service}; the socket listens again once it is gone.")]
    public static partial void IdleStop(ILogger logger, string unit, string service, string idle);
}
