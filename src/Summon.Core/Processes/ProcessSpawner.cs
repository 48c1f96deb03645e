using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// Starts services and tracks them with pidfds: through the native in-process routine (ProcessSpawner.InProcess.cs),
/// else posix_spawn (ProcessSpawner.PosixSpawn.cs; glibc: clone(CLONE_VM|CLONE_VFORK)), both with no managed code in
/// the child, so safe in a multi-threaded runtime. System.Diagnostics.Process is not used: it cannot map fds, leaks
/// every fd without FD_CLOEXEC, and its SIGCHLD handling reaps all children when we are PID 1.
/// </summary>
internal static partial class ProcessSpawner
{
    private const int StackSlots = 64;

    /// <summary>The helper used for LISTEN_PID/SYSTEMD_EXEC_PID when a request names none. Set once at start-up.</summary>
    public static ExecHelper DefaultExecHelper { get; set; } = ExecHelper.Shell;

    private static ExecHelper? s_credentialExecHelper;

    /// <summary>
    /// The helper used when a request has credentials, umask, nice or rlimits and its helper (or
    /// <see cref="DefaultExecHelper"/>) cannot apply them. Defaults to the running executable re-run with
    /// <see cref="ExecHelper.SelfVerb"/> (under <c>dotnet summon.dll</c>: dotnet with the dll path), which is right
    /// for the summon daemon; other hosts (test runners) must set it.
    /// </summary>
    public static ExecHelper CredentialExecHelper
    {
        get => s_credentialExecHelper ??= SelfFromProcess();
        set => s_credentialExecHelper = value;
    }

    /// <summary>
    /// Spawns the request. The child gets exactly fds 0, 1, 2 and 3..3+n-1 (everything else is closed with
    /// closefrom), an empty signal mask, every signal at SIG_DFL except SIGPIPE when <see cref="SpawnRequest.IgnoreSigpipe"/>
    /// (inherited from the manager, which ignores it), and its own session. The service is started by the in-process
    /// routine (<see cref="InProcessAvailable"/>: a C child that writes its own pid and applies the settings, no extra
    /// exec). Without it, a plain request goes through posix_spawn and one that needs LISTEN_PID/SYSTEMD_EXEC_PID or
    /// credentials/limits through an <see cref="ExecHelper"/> (one extra exec), as does a request naming a helper; for
    /// credentials/limits it must be one that can apply them (the self-helper).
    /// Throws <see cref="SpawnException"/> (errno, e.g. ENOENT) when the process cannot be started.
    /// </summary>
    [SkipLocalsInit]
    public static SpawnedProcess Spawn(SpawnRequest request)
    {
        Validate(request);
        SpawnRoute route = RouteOf(request);
        // Only the in-process routine sets up a mount namespace: a sandbox asked for is applied or the start fails.
        if (request.Mounts is not null && route != SpawnRoute.InProcess)
            throw new SpawnException(request.Path, Errno.EOPNOTSUPP, ExitStatusNames.Namespace);
        string spawnPath = request.Path;
        ComposedArgv argv = route == SpawnRoute.ExecHelper ? HelperArgv(request, out spawnPath) : new ComposedArgv(request.Argv);

        // The fd map: sources[i] is the manager's fd that becomes fd i in the child (-1: /dev/null), actual[i] the fd
        // the child's dup2 reads it from once those an earlier dup2 would clobber are moved (into moved[]).
        int slots = 3 + request.PassFds.Count;
        Span<int> sources = slots <= StackSlots ? stackalloc int[StackSlots] : new int[slots];
        Span<int> actual = slots <= StackSlots ? stackalloc int[StackSlots] : new int[slots];
        Span<bool> referenced = slots <= StackSlots ? stackalloc bool[StackSlots] : new bool[slots];
        Span<int> moved = slots <= StackSlots ? stackalloc int[StackSlots] : new int[slots];
        sources = sources[..slots];
        actual = actual[..slots];
        referenced = referenced[..slots];
        referenced.Clear();
        int movedCount = 0;

        try
        {
            ReferenceSources(request, sources, referenced);
            SetBlockingModes(request, sources);
            MoveClobberedSources(request, sources, actual, moved, ref movedCount);
            SpawnedProcess process = route == SpawnRoute.InProcess
                ? SpawnInProcess(request, in argv, actual)
                : SpawnWithPosixSpawn(request, in argv, spawnPath, route == SpawnRoute.ExecHelper, actual);
            if (route != SpawnRoute.InProcess && request.ControlGroup is { } cgroup)
                JoinAfterSpawn(process, cgroup);
            return process;
        }
        finally
        {
            for (int i = 0; i < movedCount; i++)
                Libc.Close(moved[i]);
            for (int i = 0; i < slots; i++)
            {
                if (referenced[i])
                    HandleAt(request, i)!.DangerousRelease();
            }
        }
    }

    /// <summary>Which of the three ways starts a request.</summary>
    private enum SpawnRoute
    {
        /// <summary><see cref="SpawnInProcess"/>: the native routine, no extra exec.</summary>
        InProcess,

        /// <summary>posix_spawn of the service itself: only without the native routine, for a request that needs
        /// nothing done in the child.</summary>
        PosixSpawn,

        /// <summary>posix_spawn of an <see cref="ExecHelper"/> that does in the child what posix_spawn cannot, then
        /// execs the service.</summary>
        ExecHelper,
    }

    private static void Validate(SpawnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Argv.Count == 0)
            throw new ArgumentException("argv must contain at least argv[0].", nameof(request));
        if (!request.Path.StartsWith('/'))
            throw new ArgumentException($"Executable path is not absolute: {request.Path}", nameof(request));
    }

    private static SpawnRoute RouteOf(SpawnRequest request)
    {
        bool inChild = request.SetListenPid || request.SetExecPid || request.NeedsPrivilegedSetup;
        // The in-process routine for every spawn it can do (one clone, a reused child stack, no file-action
        // bookkeeping); posix_spawn only without it, and a named helper only when the child needs one.
        if (inChild && (request.ExecHelper is not null || !InProcessAvailable))
            return SpawnRoute.ExecHelper;
        return InProcessAvailable ? SpawnRoute.InProcess : SpawnRoute.PosixSpawn;
    }

    /// <summary>The helper's argv ending in the service's path and argv; <paramref name="helperPath"/> is what runs.</summary>
    private static ComposedArgv HelperArgv(SpawnRequest request, out string helperPath)
    {
        // The exec helper has no copy of the filter step: a request with filters fails rather than runs without them.
        if (request.Seccomp is not null)
            throw new SpawnException(request.Path, Errno.EOPNOTSUPP, ExitStatusNames.Seccomp);
        bool setup = request.NeedsPrivilegedSetup;
        // The sandbox's namespaces and capabilities are steps of the in-process routine only: without it they
        // are refused, never skipped.
        if (request.Privileges is not null)
            throw new SpawnException(request.Path, Errno.EOPNOTSUPP, ExitStatusNames.Namespace);
        ExecHelper helper = request.ExecHelper ?? DefaultExecHelper;
        if (setup && !helper.CanApplySetup)
            helper = CredentialExecHelper;
        var options = new ExecHelperOptions(request.SetListenPid, request.SetExecPid, request.IgnoreSigpipe,
            Argv0IsPath: string.Equals(request.Argv[0], request.Path, StringComparison.Ordinal),
            EnvironmentHasPwd: HasVariable(request.Environment, "PWD="),
            Setup: setup ? request : null);
        HelperInvocation invocation = helper.Describe(in options);
        helperPath = invocation.Path;
        return new ComposedArgv(in invocation, request.Path, request.Argv);
    }

    /// <summary>The raw fd behind each slot (-1 for /dev/null), each handle AddRef'd so it stays open through the
    /// spawn; <paramref name="referenced"/> says which to release.</summary>
    private static void ReferenceSources(SpawnRequest request, Span<int> sources, Span<bool> referenced)
    {
        for (int i = 0; i < sources.Length; i++)
        {
            SafeHandle? handle = HandleAt(request, i);
            if (handle is null)
            {
                sources[i] = FileSource(request, i);
                continue;
            }

            handle.DangerousAddRef(ref referenced[i]);
            sources[i] = (int)handle.DangerousGetHandle();
            if (sources[i] < 0)
                throw new ArgumentException($"Invalid handle for fd {i} of {request.Path}.", nameof(request));
        }
    }

    /// <summary>Stdio blocking, passed fds as <see cref="SpawnRequest.NonBlockingPassFds"/> says.</summary>
    private static void SetBlockingModes(SpawnRequest request, ReadOnlySpan<int> sources)
    {
        // Blocking mode lives on the open file description (shared with our copy): set it before the spawn, once
        // per fd (a socket as both stdin and stdout is one fd).
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i] < 0)
                continue;
            bool nonBlocking = i >= 3 && request.NonBlockingPassFds;
            int earlier = sources[..i].IndexOf(sources[i]);
            if (earlier >= 0 && (earlier >= 3 && request.NonBlockingPassFds) == nonBlocking)
                continue;
            int errno = SetNonBlocking(HandleAt(request, i)!, nonBlocking);
            if (errno != 0)
                throw new SpawnException(request.Path, errno, ExitStatusNames.Fds);
        }
    }

    /// <summary>Fills <paramref name="actual"/>: each source, or its close-on-exec copy above the map when an earlier
    /// dup2 would clobber it (<see cref="FdMap.NeedsMove"/>); the copies go to <paramref name="moved"/> for the caller
    /// to close, <paramref name="movedCount"/> counting them even when this throws.</summary>
    private static void MoveClobberedSources(
        SpawnRequest request, ReadOnlySpan<int> sources, Span<int> actual, Span<int> moved, ref int movedCount)
    {
        // Move sources that an earlier dup2 would clobber out of the target range (each distinct fd once).
        for (int i = 0; i < sources.Length; i++)
        {
            int s = sources[i];
            actual[i] = s;
            if (!FdMap.NeedsMove(sources, s))
                continue;
            int earlier = sources[..i].IndexOf(s);
            if (earlier >= 0)
            {
                actual[i] = actual[earlier];
                continue;
            }

            int dup = Libc.Fcntl(HandleAt(request, i)!, Libc.F_DUPFD_CLOEXEC, sources.Length);
            if (dup < 0)
                throw new SpawnException(request.Path, Errno.Last, ExitStatusNames.Fds);
            moved[movedCount++] = dup;
            actual[i] = dup;
        }
    }

    /// <summary>
    /// Call first thing in the daemon. An inherited SIGCHLD=SIG_IGN makes the kernel auto-reap every child (no exit
    /// status, and pidfd waits fail with ECHILD), so it goes back to SIG_DFL. SIGPIPE is made SIG_IGN if it is at
    /// SIG_DFL (the .NET runtime already ignores it), because IgnoreSIGPIPE=yes children inherit the ignore from us.
    /// </summary>
    public static unsafe void ResetInheritedSignalDispositions()
    {
        Libc.SigactionStruct old = default, action = default;
        if (Libc.Sigaction(Signals.SIGCHLD, null, &old) != 0)
            throw ErrnoException.FromLast("sigaction(SIGCHLD)");
        if (old.Handler == Libc.SIG_IGN)
        {
            action.Handler = Libc.SIG_DFL;
            if (Libc.Sigaction(Signals.SIGCHLD, &action, null) != 0)
                throw ErrnoException.FromLast("sigaction(SIGCHLD)");
        }

        if (Libc.Sigaction(Signals.SIGPIPE, null, &old) != 0)
            throw ErrnoException.FromLast("sigaction(SIGPIPE)");
        if (old.Handler == Libc.SIG_DFL)
        {
            action.Handler = Libc.SIG_IGN;
            if (Libc.Sigaction(Signals.SIGPIPE, &action, null) != 0)
                throw ErrnoException.FromLast("sigaction(SIGPIPE)");
        }
        // The dispositions are final now: read the ignored ones here rather than on a cold start's first spawn.
        SummonSpawn.Prepare();
    }

    /// <summary>
    /// pidfd_open right after the spawn. Race-free: nobody else reaps our children, so the pid cannot be reused
    /// before we hold the pidfd. If it still fails, the child is killed and reaped so nothing untracked is left.
    /// </summary>
    private static unsafe SpawnedProcess Track(int pid, string path, bool failureAtExit = false)
    {
        int pidfd = Libc.PidfdOpen(pid, 0);
        if (pidfd >= 0)
            return new SpawnedProcess(pid, new SafeFdHandle(pidfd), failureAtExit ? path : null);

        int errno = Errno.Last;
        Libc.Kill(pid, Signals.SIGKILL);
        Libc.SigInfo info = default;
        Libc.Waitid(Libc.P_PID, (uint)pid, &info, Libc.WEXITED);
        throw new SpawnException(path, errno);
    }

    private static ExecHelper SelfFromProcess()
    {
        string executable = Environment.ProcessPath ?? throw new InvalidOperationException("The path of the running executable is unknown.");
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
            return ExecHelper.Self(executable, Environment.GetCommandLineArgs()[0], ExecHelper.SelfVerb);
        return ExecHelper.Self(executable, ExecHelper.SelfVerb);
    }

    /// <summary>Sets or clears O_NONBLOCK, which lives on the open file description (shared with every dup); 0 or errno.
    /// F_SETFL is skipped when nothing changes.</summary>
    private static int SetNonBlocking(SafeHandle fd, bool nonBlocking)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0)
            return Errno.Last;
        int wanted = nonBlocking ? flags | Libc.O_NONBLOCK : flags & ~Libc.O_NONBLOCK;
        if (wanted == flags)
            return 0;
        return Libc.Fcntl(fd, Libc.F_SETFL, wanted) < 0 ? Errno.Last : 0;
    }

    /// <summary>What the child puts on an fd slot without a handle: the file it opens, a copy of its fd 1, or /dev/null.</summary>
    private static int FileSource(SpawnRequest request, int slot)
    {
        ChildFile? file = FileAt(request, slot);
        if (file is null)
            return SummonSpawn.FD_NULL;
        return slot == 2 && ReferenceEquals(file, request.StdoutFile) && request.Stdout is null ? SummonSpawn.FD_SAME_AS_1 : SummonSpawn.FD_OPEN;
    }

    private static ChildFile? FileAt(SpawnRequest request, int slot) => slot switch
    {
        0 => request.StdinFile,
        1 => request.StdoutFile,
        2 => request.StderrFile,
        _ => null,
    };

    private static SafeHandle? HandleAt(SpawnRequest request, int slot) => slot switch
    {
        0 => request.Stdin,
        1 => request.Stdout,
        2 => request.Stderr,
        _ => request.PassFds[slot - 3],
    };

    private static bool HasVariable(IReadOnlyList<string> environment, string prefix)
    {
        for (int i = 0; i < environment.Count; i++)
        {
            if (environment[i].StartsWith(prefix, StringComparison.Ordinal))
                return true;
        }

        return false;
    }
}
