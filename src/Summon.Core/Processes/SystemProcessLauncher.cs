using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>The real processes: <see cref="ProcessSpawner"/>, pidfds, /proc and kill(2).</summary>
internal sealed class SystemProcessLauncher : IProcessLauncher
{
    public static SystemProcessLauncher Instance { get; } = new();

    private SystemProcessLauncher()
    {
    }

    public IChildProcess Spawn(SpawnRequest request) => ProcessSpawner.Spawn(request);

    public bool SpawnDepthReached => ProcessSpawner.SpawnDepthReached;

    public IChildProcess? Adopt(int pid) => SpawnedProcess.Adopt(pid);

    public IChildProcess? AdoptStartedAt(int pid, ulong startTime) => SpawnedProcess.AdoptStartedAt(pid, startTime);

    public ulong StartTimeOf(int pid) => ProcessTable.StartTimeOf(pid);

    public SafeFdHandle? DuplicateFd(IChildProcess process, int targetFd, out int errno)
    {
        if (process is SpawnedProcess spawned)
            return spawned.DuplicateFd(targetFd, out errno);
        errno = Errno.EBADF;
        return null;
    }

    public bool SignalGroup(int pgid, int signal) => ProcessTable.SignalGroup(pgid, signal);

    public bool GroupAlive(int pgid) => ProcessTable.GroupAlive(pgid);

    public List<int> GroupMembers(int pgid) => ProcessTable.InGroup(pgid);

    public int GroupOf(int pid) => ProcessTable.GroupOf(pid);

    public string NameOf(int pid) => ProcessTable.NameOf(pid);

    public ProcessUsage? UsageOf(int pid) => ProcessTable.UsageOf(pid);

    public bool ChildPidIsFree => ProcessSpawner.InProcessAvailable;

    public void ReapOrphans(Func<int, bool> isTracked) => OrphanReaper.ReapOrphans(isTracked);
}
