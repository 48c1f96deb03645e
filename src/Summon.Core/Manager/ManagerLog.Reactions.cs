using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>
/// What the dependency reactions say (<see cref="Jobs.DependencyReactions"/>), worded as systemd 252's unit.c and
/// manager.c. systemd logs the three "Unit is …" reasons at debug level; Summon logs them at info, so that a stop or
/// start nobody asked for always has its cause in the journal. Ids 1301–1319 belong to this file.
/// </summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1301, LogLevel.Information, "{Unit}: Triggering {Dependency} dependencies.")]
    public static partial void TriggeringDependencies(ILogger logger, string unit, string dependency);

    [LoggerMessage(1302, LogLevel.Warning, "{Unit}: Failed to enqueue {What} job, ignoring: {Reason}")]
    public static partial void FailedToEnqueue(ILogger logger, string unit, string what, string reason);

    [LoggerMessage(1303, LogLevel.Information, "{Unit}: Unit is stopped because bound to inactive unit {Other}.")]
    public static partial void BoundToInactive(ILogger logger, string unit, string other);

    [LoggerMessage(1304, LogLevel.Information, "{Unit}: Unit is started because upheld by active unit {Other}.")]
    public static partial void UpheldByActive(ILogger logger, string unit, string other);

    [LoggerMessage(1305, LogLevel.Information, "{Unit}: Unit is not needed anymore.")]
    public static partial void NotNeeded(ILogger logger, string unit);

    [LoggerMessage(1306, LogLevel.Warning, "{Unit}: Unit needs to be stopped because it is bound to inactive unit {Other}, but not stopping since we tried this too often recently.")]
    public static partial void BoundStopLimited(ILogger logger, string unit, string other);

    [LoggerMessage(1307, LogLevel.Warning, "{Unit}: Unit needs to be started because active unit {Other} upholds it, but not starting since we tried this too often recently.")]
    public static partial void UpholdStartLimited(ILogger logger, string unit, string other);

    [LoggerMessage(1308, LogLevel.Warning, "{Unit}: Unit not needed anymore, but not stopping since we tried this too often recently.")]
    public static partial void UnneededStopLimited(ILogger logger, string unit);

    /// <summary>"Exiting: unit x.service failed", as systemd's log_and_status() says an emergency action.</summary>
    [LoggerMessage(1309, LogLevel.Warning, "{Action}: unit {Unit} {Outcome}")]
    public static partial void EmergencyAction(ILogger logger, string action, string unit, string outcome);

    [LoggerMessage(1310, LogLevel.Information, "{Unit}: Doing \"{Instead}\" action instead of a \"{Action}\" emergency action: Summon ends itself, it never reboots, halts or powers off the machine.")]
    public static partial void EmergencyActionInstead(ILogger logger, string unit, string instead, string action);
}
