using Summon.Manager.Sandbox;

namespace Summon.Manager.Directories;

/// <summary>
/// What one command needs from the disk before it is built, done on a pool thread: its service directories
/// (RuntimeDirectory= and its kin), the manager's inaccessible nodes, its private /tmp and /var/tmp (PrivateTmp=) and
/// its EnvironmentFile= read. The loop reads the results only after the task has completed; each job serves one spawn.
/// </summary>
internal sealed class DirectoryJob
{
    /// <summary>Set once, right after the job is made, by <see cref="DirectoryStore.Prepare"/>.</summary>
    public Task Task { get; set; } = Task.CompletedTask;

    public bool Done => Task.IsCompleted;

    /// <summary>Why the service directories could not be made: errno and the kind's status (238/STATE_DIRECTORY, …);
    /// null when they were (or none was asked for).</summary>
    public (int Errno, int Status)? Failure { get; set; }

    /// <summary>Lines to log with the command (an existing ConfigurationDirectory= whose mode differs).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The private /tmp and /var/tmp made for the command; null without PrivateTmp=.</summary>
    public PrivateTmpPaths? PrivateTmp { get; set; }

    /// <summary>errno of the mount namespace's directories that could not be made (226/NAMESPACE when the command
    /// mounts them); 0 when they were.</summary>
    public int MountErrno { get; set; }

    /// <summary>The assignments of the EnvironmentFile= entries and the lines for those that could not be read; null
    /// without any.</summary>
    public (List<string> Assignments, List<string> Warnings)? EnvironmentFiles { get; set; }
}
