using System.Runtime.InteropServices;

namespace Summon.Processes;

/// <summary>
/// Where a child starts: <paramref name="Directory"/> is its cgroup2 cgroup (an O_DIRECTORY fd, for clone3's
/// CLONE_INTO_CGROUP), <paramref name="Procs"/> that cgroup's cgroup.procs (the child writes itself there where the
/// kernel cannot place it at clone), and <paramref name="MoreProcs"/> the cgroup.procs of v1 hierarchies it joins too
/// (a hybrid layout's memory, pids, cpu controllers). All opened by the manager and owned by the caller.
/// </summary>
internal sealed record ChildCgroup(SafeHandle Directory, SafeHandle Procs, IReadOnlyList<SafeHandle> MoreProcs);
