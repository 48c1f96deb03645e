using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// A started process as the manager sees it: a pid, an fd that becomes readable when it exits, its reaping and
/// its signals. <see cref="SpawnedProcess"/> is the real one; tests drive the manager with fakes that exit on cue.
/// </summary>
internal interface IChildProcess : IDisposable
{
    int Pid { get; }

    /// <summary>Readable (EPOLLIN) once the process has exited; the event loop watches it.</summary>
    SafeFdHandle ExitHandle { get; }

    /// <summary>True exactly once, when the process has exited and is reaped; false while it runs.</summary>
    bool TryReap(out ExitStatus status);

    /// <summary>Signals the process alone; false when it is gone.</summary>
    bool Signal(int signal);

    /// <summary>Signals the process group it leads, or the process alone when the group is gone.</summary>
    bool SignalGroup(int signal);

    /// <summary>
    /// False for a process that is not our child (one a crashed manager left): its exit is seen through
    /// <see cref="ExitHandle"/>, but it cannot be reaped and its exit status is unknowable.
    /// </summary>
    bool IsChild => true;

    /// <summary>Once reaped: the step that failed before execve when the spawn did not wait for it, else null.</summary>
    SpawnException? SpawnFailure { get; }

    /// <summary>For <see cref="SpawnRequest.ReportExec"/>: readable (EPOLLIN) once the child has called execve or
    /// failed before it; null when that is known already (the spawn waited for it).</summary>
    SafeFdHandle? ExecReportHandle { get; }

    /// <summary>After <see cref="ExecReportHandle"/> became readable: true when execve happened, false when a step
    /// before it failed (the exit says which), null when not known yet. True when there is no handle.</summary>
    bool? TakeExecReport();
}
