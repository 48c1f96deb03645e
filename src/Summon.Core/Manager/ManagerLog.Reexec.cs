using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>What a re-exec says (`summon daemon-reexec`, SIGUSR2; docs/reexec.md). Ids 1741–1759 belong to this file.</summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1741, LogLevel.Information, "Reexecuting (binary {Binary}).")]
    public static partial void Reexecuting(ILogger logger, string binary);

    [LoggerMessage(1742, LogLevel.Warning, "Not reexecuting: {Why}; the manager keeps running as it is.")]
    public static partial void ReexecRefused(ILogger logger, string why);

    [LoggerMessage(1743, LogLevel.Information, "Reexecuted in place as PID {Pid} (binary {Binary}, state format version {Version}, generation {Generation}).")]
    public static partial void Reexecuted(ILogger logger, int pid, string binary, int version, long generation);

    [LoggerMessage(1744, LogLevel.Warning, "Reexecuted in place as PID {Pid}, degraded: {Why}; started from the unit files and the state file, with the carried listening sockets adopted.")]
    public static partial void ReexecDegraded(ILogger logger, int pid, string why);

    [LoggerMessage(1745, LogLevel.Information, "Checking that {Binary} reads the state ({Reason}).")]
    public static partial void ReexecChecking(ILogger logger, string binary, string reason);
}
