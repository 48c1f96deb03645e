using Microsoft.Extensions.Logging;
using Summon.Manager.Directories;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>What systemd logs when a command of a service or a socket cannot be started: the failing step in
/// exec_child's words (<see cref="SpawnFailureText"/>), then "Failed at step …".</summary>
internal static class SpawnFailureLog
{
    public static void Write(ILogger log, string unit, ExecCommand command, SpawnException e, ServiceDirectories directories,
        bool dynamicUser = false)
    {
        ManagerLog.UnitError(log, unit, SpawnFailureText.Of(e, command, directories, dynamicUser));
        ManagerLog.UnitError(log, unit, e.Message);
    }
}
