using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// A process could not be started. <see cref="Step"/> is systemd's exit-status name of the failing step ("EXEC",
/// "FDS"); the message reads like systemd's "Failed at step EXEC spawning /usr/bin/foo: No such file or directory".
/// </summary>
public sealed class SpawnException : Exception
{
    internal SpawnException(string path, int errno, string step = "EXEC")
        : base($"Failed at step {step} spawning {path}: {Summon.Posix.Errno.Describe(errno)}")
    {
        Path = path;
        Errno = errno;
        Step = step;
    }

    /// <summary>errno of the failure (ENOENT, EACCES, ENOEXEC, EMFILE, …).</summary>
    public int Errno { get; }

    /// <summary>The executable that was being started.</summary>
    public string Path { get; }

    /// <summary>"EXEC" (posix_spawn/exec failed), "FDS" (preparing the fd map failed), "USER"/"GROUP" (User=,
    /// Group=, SupplementaryGroups= did not resolve).</summary>
    public string Step { get; }

    /// <summary>The exit status systemd records for a child failing at <see cref="Step"/>: 203 EXEC, 200 CHDIR, 217 USER, 216 GROUP, ….</summary>
    public int ExitStatus => ExitStatusNames.ForStep(Step);

    /// <summary>strerror text alone, as systemd's %m.</summary>
    public string Reason => Summon.Posix.Errno.Describe(Errno);
}
