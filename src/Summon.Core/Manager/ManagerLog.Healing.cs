using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>
/// What limits that heal and restarts that back off say (issue 15). systemd pauses a poll-limited fd without a word
/// and has no recovery or back-off reset; these lines are Summon's own, so that every pause, recovery and back-off
/// step has its cause in the journal. Ids 1540–1559 belong to this file.
/// </summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1540, LogLevel.Warning, "{Unit}: Poll limit hit on {Listen}, pausing until {Until}.")]
    public static partial void PollLimitHit(ILogger logger, string unit, string listen, string until);

    [LoggerMessage(1541, LogLevel.Information, "{Unit}: Poll limit window ended, polling {Listen} again.")]
    public static partial void PollLimitEnded(ILogger logger, string unit, string listen);

    [LoggerMessage(1542, LogLevel.Information, "{Unit}: Restart back-off at step {Step} of {Steps}, next restart in {Delay}.")]
    public static partial void RestartBackoff(ILogger logger, string unit, uint step, uint steps, string delay);

    [LoggerMessage(1543, LogLevel.Information, "{Unit}: Up for {Span}, restart back-off reset after {Restarts} restarts.")]
    public static partial void RestartBackoffReset(ILogger logger, string unit, string span, uint restarts);

    [LoggerMessage(1544, LogLevel.Warning, "{Unit}: Recovering from '{Result}' at {At}.")]
    public static partial void RecoveryScheduled(ILogger logger, string unit, string result, string at);

    [LoggerMessage(1545, LogLevel.Information, "{Unit}: Recovered from '{Result}' (recovery {Count}).")]
    public static partial void Recovered(ILogger logger, string unit, string result, uint count);
}
