using Microsoft.Extensions.Logging;

namespace Summon.Manager.ControlGroups;

/// <summary>The manager's lines about control groups (event ids 600–609, apart from ManagerLog's).</summary>
internal static partial class CgroupLog
{
    [LoggerMessage(600, LogLevel.Information, "Control groups: services get a cgroup each below {Path} (cgroup2 controllers: {Controllers}; v1 controllers: {Legacy}).")]
    public static partial void Using(ILogger logger, string path, string controllers, string legacy);

    [LoggerMessage(601, LogLevel.Information, "Control groups: not used ({Reason}); services are tracked by process group, and resource limits are ignored. Set SUMMON_CGROUP_ROOT to a writable cgroup2 directory to use one.")]
    public static partial void NotUsed(ILogger logger, string reason);
}
