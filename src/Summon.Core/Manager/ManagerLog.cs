using Microsoft.Extensions.Logging;
using Summon.Journal;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Everything the manager says, worded like systemd 252 on Debian (StatusUnitFormat=combined: "ID - Description").
/// Every message names its unit through the {Unit} placeholder; the journal files the line under that unit.
/// Event ids are stable; do not reuse a retired id.
/// </summary>
internal static partial class ManagerLog
{
    /// <summary>" - Description", or "" when the unit has no description of its own.</summary>
    public static string Suffix(UnitRuntime unit) => unit.Description == unit.Id ? "" : " - " + unit.Description;

    [LoggerMessage(1, LogLevel.Information, "Listening on {Unit}{Description}.")]
    public static partial void ListeningOn(ILogger logger, string unit, string description);

    [LoggerMessage(2, LogLevel.Information, "Closed {Unit}{Description}.")]
    public static partial void Closed(ILogger logger, string unit, string description);

    [LoggerMessage(3, LogLevel.Error, "Failed to listen on {Unit}{Description}.")]
    public static partial void FailedToListenOn(ILogger logger, string unit, string description);

    [LoggerMessage(4, LogLevel.Error, "{Unit}: Failed to create listening socket ({Address}): {Reason}")]
    public static partial void FailedToCreateListeningSocket(ILogger logger, string unit, string address, string reason);

    [LoggerMessage(5, LogLevel.Error, "{Unit}: Failed to listen on sockets: {Reason}")]
    public static partial void FailedToListenOnSockets(ILogger logger, string unit, string reason);

    [LoggerMessage(6, LogLevel.Warning, "{Unit}: Failed with result '{Result}'.")]
    public static partial void FailedWithResult(ILogger logger, string unit, string result);

    // Event 7 and 9 run once per Accept=yes connection: written by hand (one string.Concat, a state the journal reads
    // in place) instead of [LoggerMessage]'s string.Format over boxed arguments. Same ids, names, text and fields.
    private static readonly EventId DeactivatedSuccessfullyEvent = new(7, nameof(DeactivatedSuccessfully));
    private static readonly EventId StartedEvent = new(9, nameof(Started));

    /// <summary>"{Unit}: Deactivated successfully."</summary>
    public static void DeactivatedSuccessfully(ILogger logger, string unit)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.Log(LogLevel.Information, DeactivatedSuccessfullyEvent,
                new UnitLogLine(unit, string.Concat(unit, ": Deactivated successfully."), "{Unit}: Deactivated successfully."), null, UnitLogLine.Formatter);
    }

    [LoggerMessage(8, LogLevel.Warning, "{Unit}: Too many incoming connections ({Connections}), dropping connection.")]
    public static partial void TooManyConnections(ILogger logger, string unit, uint connections);

    /// <summary>"Started {Unit}{Description}."</summary>
    public static void Started(ILogger logger, string unit, string description)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.Log(LogLevel.Information, StartedEvent,
                new UnitLogLine(unit, string.Concat("Started ", unit, description, "."), "Started {Unit}{Description}."), null, UnitLogLine.Formatter);
    }

    [LoggerMessage(10, LogLevel.Error, "Failed to start {Unit}{Description}.")]
    public static partial void FailedToStart(ILogger logger, string unit, string description);

    [LoggerMessage(11, LogLevel.Information, "Stopped {Unit}{Description}.")]
    public static partial void Stopped(ILogger logger, string unit, string description);

    [LoggerMessage(12, LogLevel.Information, "Stopping {Unit}{Description}...")]
    public static partial void Stopping(ILogger logger, string unit, string description);

    [LoggerMessage(13, LogLevel.Information, "{Unit}: Main process exited, {Status}")]
    public static partial void MainProcessExited(ILogger logger, string unit, string status);

    [LoggerMessage(15, LogLevel.Error, "{Unit}: Failed to queue service startup job (Maybe the service file is missing or not a {Kind} unit?): {Reason}")]
    public static partial void FailedToQueueService(ILogger logger, string unit, string kind, string reason);

    [LoggerMessage(16, LogLevel.Warning, "{Unit}: Failed to accept connection: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string unit, string reason);

    [LoggerMessage(17, LogLevel.Warning, "{Unit}: {Message}")]
    public static partial void UnitWarning(ILogger logger, string unit, string message);

    [LoggerMessage(18, LogLevel.Error, "{Unit}: {Message}")]
    public static partial void UnitError(ILogger logger, string unit, string message);

    private static readonly EventId UnitFileProblemEvent = new(41, nameof(UnitFileProblem));

    /// <summary>
    /// A problem found loading a unit, filed under the unit and worded as systemd logs it: "FILE:LINE: message" for
    /// a line of its file (log_syntax, no unit prefix), "UNIT: message" for the unit as a whole (log_unit_*).
    /// </summary>
    public static void UnitFileProblem(ILogger logger, string unit, Diagnostic diagnostic)
    {
        var level = diagnostic.Severity == DiagnosticSeverity.Error ? LogLevel.Error : LogLevel.Warning;
        if (logger.IsEnabled(level))
            logger.Log(level, UnitFileProblemEvent, new UnitLogLine(unit, diagnostic.ToString(), "{Message}"), null, UnitLogLine.Formatter);
    }

    [LoggerMessage(42, LogLevel.Warning, "Not starting {Units}: enabled, but they need $XDG_RUNTIME_DIR (%t), which is not set. Run the manager with XDG_RUNTIME_DIR set (a login session has /run/user/UID) to start them.")]
    public static partial void NoRuntimeDirectory(ILogger logger, string units);

    [LoggerMessage(19, LogLevel.Information, "{Unit}: Killing process {Pid} ({Comm}) with signal SIGKILL.")]
    public static partial void Killing(ILogger logger, string unit, int pid, string comm);

    [LoggerMessage(20, LogLevel.Information, "Reloading.")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(22, LogLevel.Error, "Unhandled error in the event loop: {Error}")]
    public static partial void LoopError(ILogger logger, string error);

    [LoggerMessage(24, LogLevel.Information, "Reloading {Unit}{Description}...")]
    public static partial void ReloadingUnit(ILogger logger, string unit, string description);

    [LoggerMessage(25, LogLevel.Information, "Reloaded {Unit}{Description}.")]
    public static partial void Reloaded(ILogger logger, string unit, string description);

    [LoggerMessage(26, LogLevel.Information, "Finished {Unit}{Description}.")]
    public static partial void Finished(ILogger logger, string unit, string description);

    [LoggerMessage(27, LogLevel.Information, "{Unit}: Scheduled restart job, restart counter is at {Counter}.")]
    public static partial void ScheduledRestart(ILogger logger, string unit, uint counter);

    [LoggerMessage(28, LogLevel.Information, "{Unit}: Control process exited, {Status}")]
    public static partial void ControlProcessExited(ILogger logger, string unit, string status);

    [LoggerMessage(29, LogLevel.Warning, "{Unit}: Trigger limit hit, refusing further activation.")]
    public static partial void TriggerLimitHit(ILogger logger, string unit);

    [LoggerMessage(30, LogLevel.Warning, "{Unit}: Too many incoming connections ({Connections}) from source {Source}, dropping connection.")]
    public static partial void TooManyConnectionsFromSource(ILogger logger, string unit, uint connections, string source);

    [LoggerMessage(31, LogLevel.Warning, "{Unit}: {Message}")]
    public static partial void NotifyWarning(ILogger logger, string unit, string message);

    [LoggerMessage(32, LogLevel.Error, "{Unit}: Watchdog timeout (limit {Limit})!")]
    public static partial void WatchdogTimeout(ILogger logger, string unit, string limit);

    [LoggerMessage(33, LogLevel.Warning, "Dependency failed for {Unit}{Description}.")]
    public static partial void DependencyFailed(ILogger logger, string unit, string description);

    [LoggerMessage(34, LogLevel.Warning, "{Unit}: Out of resources for a connection ({Reason}), pausing accepts and retrying with back-off.")]
    public static partial void ResourcesExhausted(ILogger logger, string unit, string reason);

    [LoggerMessage(35, LogLevel.Information, "{Unit}: Accepting connections again, after {Failures} attempts that ran out of resources.")]
    public static partial void ResourcesAvailable(ILogger logger, string unit, uint failures);

}
