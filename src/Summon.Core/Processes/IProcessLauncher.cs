using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// The manager's one seam to the operating system's processes: starting, adopting, and finding and signalling the
/// process groups that stand in for cgroups. <see cref="SystemProcessLauncher"/> is the real one.
/// </summary>
internal interface IProcessLauncher
{
    /// <summary>Starts the request; throws <see cref="SpawnException"/> when it cannot.</summary>
    IChildProcess Spawn(SpawnRequest request);

    /// <summary>
    /// True while as many children are on their way to execve as may be at once (the spawn depth): an Accept=yes
    /// socket stops accepting until it is false again, so that under CPU saturation new connections wait in the
    /// listen backlog. Other spawns never ask.
    /// </summary>
    bool SpawnDepthReached { get; }

    /// <summary>Tracks a process the manager did not start itself (a forked daemon, MAINPID=); null when it is gone.</summary>
    IChildProcess? Adopt(int pid);

    /// <summary>
    /// Tracks the process a crashed manager recorded, only if <paramref name="pid"/> is still the process that started at
    /// <paramref name="startTime"/> (<see cref="StartTimeOf"/>); null when it is gone.
    /// </summary>
    /// Launchers without a predecessor (the tests' fakes) find nothing.
    IChildProcess? AdoptStartedAt(int pid, ulong startTime) => null;

    /// <summary>When <paramref name="pid"/> started, in clock ticks since boot (/proc/PID/stat field 22); 0 when it is gone.</summary>
    ulong StartTimeOf(int pid) => 0;

    /// <summary>A duplicate of fd <paramref name="targetFd"/> of <paramref name="process"/> (pidfd_getfd); null with the errno when it cannot be had.</summary>
    SafeFdHandle? DuplicateFd(IChildProcess process, int targetFd, out int errno)
    {
        errno = Posix.Errno.EBADF;
        return null;
    }

    /// <summary>kill(-pgid, signal); false when the group is gone.</summary>
    bool SignalGroup(int pgid, int signal);

    /// <summary>True while any process of the group exists.</summary>
    bool GroupAlive(int pgid);

    /// <summary>The pids of the group, lowest first.</summary>
    List<int> GroupMembers(int pgid);

    /// <summary>The process group of <paramref name="pid"/>, 0 when it is gone.</summary>
    int GroupOf(int pid);

    /// <summary>The command name of <paramref name="pid"/> (comm), "n/a" when it is gone.</summary>
    string NameOf(int pid);

    /// <summary>Threads, memory and CPU time of <paramref name="pid"/>; null when it is gone.</summary>
    ProcessUsage? UsageOf(int pid);

    /// <summary>
    /// True when a child learns its own pid (SYSTEMD_EXEC_PID=, LISTEN_PID=) at no cost: the in-process routine writes it;
    /// otherwise it takes an exec helper, which per-connection instances on socket stdio skip.
    /// </summary>
    bool ChildPidIsFree { get; }

    /// <summary>As PID 1 or subreaper: reaps the exited children for which <paramref name="isTracked"/> is false.</summary>
    void ReapOrphans(Func<int, bool> isTracked);
}
