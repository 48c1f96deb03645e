using Summon.Manager.Directories;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The journal line before "Failed at step …" when a command of a service or of a socket cannot be started: the
/// failing step worded as systemd 252's exec_child logs it, or the manager's own refusal of a setting it cannot apply.
/// </summary>
internal static class SpawnFailureText
{
    public static string Of(SpawnException e, ExecCommand command, ServiceDirectories directories, bool dynamicUser = false)
    {
        if (e.Refusal is { } refusal)
            return refusal;
        string what = e.ExitStatus switch
        {
            ExitStatusNames.User when dynamicUser => "Failed to update dynamic user credentials",
            ExitStatusNames.User => "Failed to determine user credentials",
            ExitStatusNames.Group => "Failed to determine group credentials",
            ExitStatusNames.Chdir => "Changing to the requested working directory failed",
            ExitStatusNames.Limits => "Failed to adjust resource limits",
            ExitStatusNames.Nice => "Failed to set up process scheduling priority (nice level)",
            ExitStatusNames.Fds => "Failed to prepare the file descriptors",
            _ when directories.FailureText(e.ExitStatus) is { } text => text,
            ExitStatusNames.Credentials => "Failed to set up credentials",
            ExitStatusNames.Namespace => "Failed to set up mount namespacing",
            ExitStatusNames.Cgroup => "Failed to attach to cgroup",
            ExitStatusNames.Network => "Failed to set up network namespacing",
            ExitStatusNames.Capabilities => "Failed to drop capabilities",
            ExitStatusNames.NoNewPrivileges => "Failed to disable new privileges",
            ExitStatusNames.Seccomp => "Failed to apply system call filters",
            ExitStatusNames.AddressFamilies => "Failed to restrict address families",
            _ => $"Failed to execute {command.Path}",
        };
        return $"{what}: {e.Reason}";
    }
}
