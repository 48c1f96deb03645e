using Microsoft.Extensions.Logging;
using Summon.Manager.Directories;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>What systemd logs when a command of a service or a socket cannot be started: the failing step in
/// exec_child's words, then "Failed at step …".</summary>
internal static class SpawnFailureLog
{
    public static void Write(ILogger log, string unit, ExecCommand command, SpawnException e, ServiceDirectories directories)
    {
        ManagerLog.UnitError(log, unit, $"{What(command, e, directories)}: {e.Reason}");
        ManagerLog.UnitError(log, unit, e.Message);
    }

    private static string What(ExecCommand command, SpawnException e, ServiceDirectories directories) => e.ExitStatus switch
    {
        ExitStatusNames.User => "Failed to determine user credentials",
        ExitStatusNames.Group => "Failed to determine group credentials",
        ExitStatusNames.Chdir => "Changing to the requested working directory failed",
        ExitStatusNames.Limits => "Failed to adjust resource limits",
        ExitStatusNames.Nice => "Failed to set up process scheduling priority (nice level)",
        ExitStatusNames.Fds => "Failed to prepare the file descriptors",
        _ when directories.FailureText(e.ExitStatus) is { } text => text,
        ExitStatusNames.Credentials => "Failed to set up credentials",
        // The sandbox's steps, worded as systemd 252's exec_child logs them.
        ExitStatusNames.Namespace => "Failed to set up mount namespacing",
        ExitStatusNames.Network => "Failed to set up network namespacing",
        ExitStatusNames.Capabilities => "Failed to drop capabilities",
        ExitStatusNames.NoNewPrivileges => "Failed to disable new privileges",
        ExitStatusNames.Seccomp => "Failed to apply system call filters",
        ExitStatusNames.AddressFamilies => "Failed to restrict address families",
        _ => $"Failed to execute {command.Path}",
    };
}
