using System.Globalization;

namespace Summon.Processes;

/// <summary>
/// A process could not be started. The failing step is identified by <see cref="ExitStatus"/>, the status systemd's
/// child exits with when that step fails (203 EXEC, 202 FDS, 217 USER, …, see <see cref="ExitStatusNames"/>); the
/// message reads like systemd's "Failed at step EXEC spawning /usr/bin/foo: No such file or directory".
/// </summary>
internal sealed class SpawnException : Exception
{
    internal SpawnException(string path, int errno, int exitStatus = ExitStatusNames.Exec)
        : base($"Failed at step {StepName(exitStatus)} spawning {path}: {Summon.Posix.Errno.Describe(errno)}")
    {
        Path = path;
        Errno = errno;
        ExitStatus = exitStatus;
    }

    /// <summary>The manager refused the step before starting anything: the line that says which setting and why.</summary>
    public string? Refusal { get; init; }

    /// <summary>errno of the failure (ENOENT, EACCES, ENOEXEC, EMFILE, …).</summary>
    public int Errno { get; }

    /// <summary>The executable that was being started.</summary>
    public string Path { get; }

    /// <summary>The failing step as the exit status systemd records for a child failing there: 203 EXEC
    /// (posix_spawn/exec failed), 202 FDS (preparing the fd map failed), 200 CHDIR, 217 USER, 216 GROUP (User=,
    /// Group=, SupplementaryGroups= did not resolve or apply), ….</summary>
    public int ExitStatus { get; }

    /// <summary>The step's name as systemd prints it after the status: "EXEC", "FDS", "USER", ….</summary>
    public string Step => StepName(ExitStatus);

    /// <summary>strerror text alone, as systemd's %m.</summary>
    public string Reason => Summon.Posix.Errno.Describe(Errno);

    private static string StepName(int exitStatus) =>
        ExitStatusNames.Get(exitStatus) ?? exitStatus.ToString(CultureInfo.InvariantCulture);
}
