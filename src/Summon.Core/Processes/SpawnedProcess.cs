using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// A child started by <see cref="ProcessSpawner"/>, tracked by a pidfd. Nobody else reaps our children (we never
/// call waitpid(-1), and .NET only reaps its own Process children unless we are PID 1 or SIGCHLD is ignored), so
/// until <see cref="TryReap"/> succeeds the zombie keeps the pid and the pidfd stays valid. Not thread-safe: the
/// manager's event loop owns it.
/// </summary>
internal sealed class SpawnedProcess : IChildProcess
{
    private ExitStatus? _exitStatus;

    /// <summary>The executable, kept only for a child spawned with <see cref="SpawnRequest.ExecFailureAtExit"/>.</summary>
    private readonly string? _failureAtExitPath;

    internal SpawnedProcess(int pid, SafeFdHandle pidfd, string? failureAtExitPath = null, bool isChild = true)
    {
        Pid = pid;
        Pidfd = pidfd;
        _failureAtExitPath = failureAtExitPath;
        IsChild = isChild;
    }

    public int Pid { get; }

    /// <summary>False for a process a crashed predecessor left us (<see cref="AdoptStartedAt"/>): we cannot wait for it.</summary>
    public bool IsChild { get; }

    /// <summary>
    /// Tracks a process the manager did not spawn itself but that is its child now: a daemon forked by a
    /// Type=forking service, or a MAINPID= announced through sd_notify, re-parented to the manager because it is a
    /// child subreaper. Null when the process is gone already.
    /// </summary>
    public static SpawnedProcess? Adopt(int pid)
    {
        int pidfd = Libc.PidfdOpen(pid, 0);
        return pidfd < 0 ? null : new SpawnedProcess(pid, new SafeFdHandle(pidfd));
    }

    /// <summary>
    /// Tracks the process a crashed manager recorded: <paramref name="pid"/> only if it is still the process that
    /// started at <paramref name="startTime"/> (clock ticks since boot), so a reused pid is never taken for it. The
    /// pidfd is opened first and the start time read after: the pidfd then names the process whose start time matched.
    /// Null when that process is gone.
    /// </summary>
    public static SpawnedProcess? AdoptStartedAt(int pid, ulong startTime)
    {
        int fd = Libc.PidfdOpen(pid, 0);
        if (fd < 0)
            return null;
        var pidfd = new SafeFdHandle(fd);
        if (startTime == 0 || ProcessTable.StartTimeOf(pid) != startTime)
        {
            pidfd.Dispose();
            return null;
        }
        return new SpawnedProcess(pid, pidfd, isChild: ProcessTable.ParentOf(pid) == Environment.ProcessId);
    }

    /// <summary>
    /// A duplicate of fd <paramref name="targetFd"/> of this process (pidfd_getfd), close-on-exec; null with
    /// <paramref name="errno"/> when it cannot be had.
    /// </summary>
    public SafeFdHandle? DuplicateFd(int targetFd, out int errno)
    {
        int fd = Libc.PidfdGetfd(Pidfd, targetFd, 0);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafeFdHandle(fd);
    }

    /// <summary>Becomes readable (EPOLLIN) when the process exits. Close-on-exec. Owned by this object.</summary>
    public SafeFdHandle Pidfd { get; }

    SafeFdHandle IChildProcess.ExitHandle => Pidfd;

    /// <summary>The status once <see cref="TryReap"/> has returned true; null before.</summary>
    public ExitStatus? ExitStatus => _exitStatus;

    /// <summary>
    /// For a child spawned with <see cref="SpawnRequest.ExecFailureAtExit"/>, once reaped: the step that failed
    /// before its execve ("Failed at step EXEC spawning …"), or null when it ran the program.
    /// </summary>
    public SpawnException? SpawnFailure { get; private set; }

    /// <summary>
    /// waitid(P_PIDFD, WEXITED|WNOHANG). True exactly once, when the process has exited and is now reaped (no zombie
    /// left); false while it runs and on every call after the reaping one. Throws <see cref="ErrnoException"/>
    /// (ECHILD) if someone else reaped our child, which means a broken invariant (PID 1 with .NET reaping).
    /// </summary>
    public unsafe bool TryReap(out ExitStatus status)
    {
        status = default;
        if (_exitStatus is not null)
            return false;

        Libc.SigInfo info = default;
        if (Libc.WaitidPidfd(Pidfd, &info, Libc.WEXITED | Libc.WNOHANG) < 0)
            throw ErrnoException.FromLast("waitid(P_PIDFD)");
        if (info.Pid == 0)
            return false;   // still running

        status = FromSigInfo(in info);
        _exitStatus = status;
        if (_failureAtExitPath is not null)
            SpawnFailure = ProcessSpawner.TakeSpawnFailure(Pid, _failureAtExitPath);   // and gives its slot back
        return true;
    }

    /// <summary>
    /// pidfd_send_signal(). False if the process is already gone (reaped); a zombie still accepts signals (and
    /// ignores them). Throws <see cref="ErrnoException"/> for other errors (EINVAL, EPERM).
    /// </summary>
    public unsafe bool Signal(int signal)
    {
        if (_exitStatus is not null)
            return false;

        if (Libc.PidfdSendSignal(Pidfd, signal, null, 0) == 0)
            return true;
        int errno = Errno.Last;
        if (errno == Errno.ESRCH)
            return false;
        throw new ErrnoException("pidfd_send_signal", errno);
    }

    /// <summary>
    /// Signals the process group the service leads (it was spawned with setsid or setpgid, so pgid == pid), which is how
    /// KillMode=control-group reaches its children without cgroups. Falls back to the main process alone when
    /// the group is gone. While the main process is unreaped (a zombie at worst) its pid, and so its group id,
    /// cannot be reused, so this never hits a stranger.
    /// </summary>
    public bool SignalGroup(int signal)
    {
        if (_exitStatus is not null)
            return false;
        if (ProcessTable.SignalGroup(Pid, signal))
            return true;
        return Signal(signal);
    }

    /// <summary>
    /// Blocks until the process has exited, without reaping it (waitid WNOWAIT). For tests and synchronous
    /// shutdown paths; the event loop waits on <see cref="Pidfd"/> instead.
    /// </summary>
    public unsafe void WaitForExit()
    {
        if (_exitStatus is not null)
            return;

        Libc.SigInfo info = default;
        if (Libc.WaitidPidfd(Pidfd, &info, Libc.WEXITED | Libc.WNOWAIT) < 0)
            throw ErrnoException.FromLast("waitid(P_PIDFD)");
    }

    /// <summary>For <see cref="SpawnRequest.ReportExec"/>: the read end of the pipe the child keeps up to its
    /// execve; null once read to the end, or when nobody asked.</summary>
    public SafeFdHandle? ExecReport { get; internal set; }

    SafeFdHandle? IChildProcess.ExecReportHandle => ExecReport;

    /// <summary>
    /// Reads <see cref="ExecReport"/> without blocking: null while the child is still before execve, true once it
    /// has execed, false when a step before it failed (what it wrote into the pipe; the exit, reaped next, names
    /// the step). Closes the pipe once the answer is known.
    /// </summary>
    public unsafe bool? TakeExecReport()
    {
        if (ExecReport is not { } pipe)
            return true;
        long report = 0;
        nint n = Libc.Read(pipe, (byte*)&report, sizeof(long));
        if (n < 0 && Errno.Last == Errno.EAGAIN)
            return null;
        pipe.Dispose();
        ExecReport = null;
        return n == 0;
    }

    /// <summary>Closes the pidfd (and the exec report). Does not kill the process; an unreaped child stays a zombie.</summary>
    public void Dispose()
    {
        ExecReport?.Dispose();
        Pidfd.Dispose();
    }

    internal static ExitStatus FromSigInfo(in Libc.SigInfo info) => info.Code switch
    {
        Libc.CLD_EXITED => new ExitStatus(ExitCode.Exited, info.Status),
        Libc.CLD_KILLED => new ExitStatus(ExitCode.Killed, info.Status),
        Libc.CLD_DUMPED => new ExitStatus(ExitCode.Dumped, info.Status),
        _ => throw new InvalidOperationException($"waitid returned si_code {info.Code} for WEXITED"),
    };
}
