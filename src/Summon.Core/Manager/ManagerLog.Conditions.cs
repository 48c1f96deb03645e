using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>What the manager says about conditions, asserts and ExecCondition= (issue 13; ids 1301–1320).</summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1301, LogLevel.Debug, "{Unit}: {Condition} {Outcome}.")]
    public static partial void ConditionTested(ILogger logger, string unit, string condition, string outcome);

    [LoggerMessage(1302, LogLevel.Warning, "{Unit}: Couldn't determine result for {Condition}, assuming failed: {Reason}")]
    public static partial void ConditionUndetermined(ILogger logger, string unit, string condition, string reason);

    [LoggerMessage(1303, LogLevel.Debug, "{Unit}: Starting requested but condition not met. Not starting unit.")]
    public static partial void ConditionNotMet(ILogger logger, string unit);

    [LoggerMessage(1304, LogLevel.Information, "Condition check resulted in {Unit}{Description} being skipped.")]
    public static partial void ConditionSkipped(ILogger logger, string unit, string description);

    [LoggerMessage(1305, LogLevel.Information, "{Unit}: Starting requested but asserts failed.")]
    public static partial void AssertsFailed(ILogger logger, string unit);

    [LoggerMessage(1306, LogLevel.Warning, "Assertion failed for {Unit}{Description}.")]
    public static partial void AssertionFailed(ILogger logger, string unit, string description);

    [LoggerMessage(1307, LogLevel.Information, "{Unit}: Skipped due to '{Result}'.")]
    public static partial void SkippedDueTo(ILogger logger, string unit, string result);
}
