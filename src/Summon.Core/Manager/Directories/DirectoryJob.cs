using Summon.Manager.Sandbox;

namespace Summon.Manager.Directories;

/// <summary>
/// What one command needs from the disk before it is built, made on a pool thread: its service directories
/// (RuntimeDirectory= and its kin), the manager's inaccessible nodes and its private /tmp and /var/tmp (PrivateTmp=).
/// The loop reads the results only after the task has completed, and each job serves one spawn.
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
}
