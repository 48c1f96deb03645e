using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>What the manager says to and about the engine that runs it (--exit-with, inherited fds, sd_notify upward). Ids 1661–1679 belong to this file.</summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1661, LogLevel.Information, "{Unit} ended ({How}): stopping every unit, then exiting with status {Status} (--exit-with).")]
    public static partial void ExitWith(ILogger logger, string unit, string how, int status);

    [LoggerMessage(1662, LogLevel.Information, "{Unit}: Using the inherited socket fd {Fd} ({Name}) for {Setting}={Value}.")]
    public static partial void AdoptedInheritedFd(ILogger logger, string unit, int fd, string name, string setting, string value);

    [LoggerMessage(1663, LogLevel.Warning, "Inherited fd {Fd} ({Name}) matches no Listen*= address nor FileDescriptorName= of the socket units started at boot: closed.")]
    public static partial void InheritedFdUnused(ILogger logger, int fd, string name);

    [LoggerMessage(1664, LogLevel.Warning, "Ignoring LISTEN_FDS: {Reason}.")]
    public static partial void InheritedFdsIgnored(ILogger logger, string reason);
}
