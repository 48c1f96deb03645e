using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// Starts services with posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK), no managed code in the child, safe in a
/// multi-threaded runtime) and tracks them with pidfds. System.Diagnostics.Process is not used: it cannot map fds,
/// leaks every fd without FD_CLOEXEC, and its SIGCHLD handling reaps all children when we are PID 1.
/// </summary>
public static class ProcessSpawner
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
            return route == SpawnRoute.InProcess
                ? SpawnInProcess(request, in argv, actual)
                : SpawnWithPosixSpawn(request, in argv, spawnPath, route == SpawnRoute.ExecHelper, actual);
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
        bool setup = request.NeedsPrivilegedSetup;
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
                sources[i] = -1;
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
    /// The request through posix_spawn, of the service itself or of <paramref name="spawnPath"/>, its exec helper
    /// (<paramref name="viaHelper"/>): the fd map in <paramref name="sources"/> (already free of clobbering) as
    /// dup2/open file actions, then closefrom, the working directory, signals and the session as attributes.
    /// </summary>
    [SkipLocalsInit]
    private static unsafe SpawnedProcess SpawnWithPosixSpawn(
        SpawnRequest request, in ComposedArgv argv, string spawnPath, bool viaHelper, ReadOnlySpan<int> sources)
    {
        long* fileActions = stackalloc long[Libc.PosixSpawnFileActionsSize / sizeof(long)];
        long* attr = stackalloc long[Libc.PosixSpawnAttrSize / sizeof(long)];
        bool actionsReady = false, attrReady = false;
        NativeArgBlock block = NativeArgBlock.Create(spawnPath, in argv, request.Environment, request.WorkingDirectory);
        try
        {
            // With a helper, a missing service binary would only show up as the shell's exit 127: check it here.
            if (viaHelper && Libc.Access(block.Argv[argv.TargetPathIndex], Libc.X_OK) != 0)
                throw new SpawnException(request.Path, Errno.Last);

            Check(Libc.PosixSpawnFileActionsInit(fileActions), request.Path);
            actionsReady = true;
            AddFileActions(fileActions, sources, block.WorkingDirectory, request.Path);
            Check(Libc.PosixSpawnAttrInit(attr), request.Path);
            attrReady = true;
            SetAttributes(attr, request);

            int pid;
            int spawnError = Libc.PosixSpawn(&pid, block.Path, fileActions, attr, block.Argv, block.Envp);
            if (spawnError != 0)
                throw new SpawnException(spawnPath, spawnError);   // the helper's path when the helper did not start

            return Track(pid, request.Path);
        }
        finally
        {
            if (actionsReady)
                Libc.PosixSpawnFileActionsDestroy(fileActions);
            if (attrReady)
                Libc.PosixSpawnAttrDestroy(attr);
            block.Dispose();
        }
    }

    /// <summary>dup2 each source onto its slot (/dev/null for a missing one), closefrom past the map, chdir.</summary>
    private static unsafe void AddFileActions(long* fileActions, ReadOnlySpan<int> sources, byte* workingDirectory, string path)
    {
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i] >= 0)
            {
                Check(Libc.PosixSpawnFileActionsAddDup2(fileActions, sources[i], i), path);
            }
            else
            {
                fixed (byte* devNull = "/dev/null\0"u8)
                    Check(Libc.PosixSpawnFileActionsAddOpen(fileActions, i, devNull, i == 0 ? Libc.O_RDONLY : Libc.O_WRONLY, 0), path);
            }
        }

        Check(Libc.PosixSpawnFileActionsAddCloseFrom(fileActions, sources.Length), path);
        if (workingDirectory != null)
            Check(Libc.PosixSpawnFileActionsAddChdir(fileActions, workingDirectory), path);
    }

    /// <summary>Empty signal mask, every signal at SIG_DFL but an ignored SIGPIPE, a new session or process group.</summary>
    [SkipLocalsInit]
    private static unsafe void SetAttributes(long* attr, SpawnRequest request)
    {
        long* sigmask = stackalloc long[Libc.SigSetSize / sizeof(long)];
        long* sigdefault = stackalloc long[Libc.SigSetSize / sizeof(long)];
        Libc.SigEmptySet(sigmask);
        Libc.SigFillSet(sigdefault);
        if (request.IgnoreSigpipe)
            Libc.SigDelSet(sigdefault, Libc.SIGPIPE);
        short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
        if (request.NewSession)
            flags |= Libc.POSIX_SPAWN_SETSID;
        else if (request.NewProcessGroup)
            flags |= Libc.POSIX_SPAWN_SETPGROUP;   // the attribute's process group is 0: the child's own pid
        Check(Libc.PosixSpawnAttrSetSigMask(attr, sigmask), request.Path);
        Check(Libc.PosixSpawnAttrSetSigDefault(attr, sigdefault), request.Path);
        Check(Libc.PosixSpawnAttrSetFlags(attr, flags), request.Path);
    }

    /// <summary>
    /// True when the native in-process spawn routine (<see cref="SummonSpawn"/>) is there: always in the NativeAOT
    /// binary, and under the JIT when libsummon_spawn.so was built next to the assemblies. Without it, LISTEN_PID and
    /// credentials go through <see cref="DefaultExecHelper"/>/<see cref="CredentialExecHelper"/> (one extra exec).
    /// </summary>
    public static bool InProcessAvailable => s_inProcessAvailable ??= ProbeInProcess();

    private static bool? s_inProcessAvailable;

    private static unsafe bool ProbeInProcess()
    {
        try
        {
            return SummonSpawn.Abi() == sizeof(SummonSpawn.Args);
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const string ListenPidPrefix = "LISTEN_PID=", ExecPidPrefix = "SYSTEMD_EXEC_PID=";

    /// <summary>Values with room for any pid (at most 2^22 on Linux, 10 digits for any int) plus the NUL the child writes.</summary>
    private const string ListenPidPlaceholder = ListenPidPrefix + "0000000000", ExecPidPlaceholder = ExecPidPrefix + "0000000000";

    /// <summary>
    /// The request through <see cref="SummonSpawn.Spawn"/>: the C child writes its own pid into the placeholder values
    /// of LISTEN_PID/SYSTEMD_EXEC_PID (appended to the environment, where the helpers' setenv put them too), applies
    /// the fd map in <paramref name="sources"/> (already free of clobbering), the session, the working directory,
    /// limits, umask, nice and credentials, and execs the service itself. A failed step comes back as a
    /// <see cref="SpawnException"/> naming it (USER, GROUP, LIMITS, …), like systemd's "Failed at step USER spawning …".
    /// </summary>
    [SkipLocalsInit]
    private static unsafe SpawnedProcess SpawnInProcess(SpawnRequest request, in ComposedArgv argv, ReadOnlySpan<int> sources)
    {
        int baseCount = request.Environment.Count;
        bool listen = request.SetListenPid, exec = request.SetListenPid || request.SetExecPid;
        int groupCount = request.SupplementaryGroups?.Count ?? 0;
        int limitCount = request.ResourceLimits.Count;
        uint* groups = stackalloc uint[Math.Min(groupCount, 256)];
        if (groupCount > 256)
            throw new SpawnException(request.Path, Errno.EINVAL, ExitStatusNames.Group);
        for (int i = 0; i < groupCount; i++)
            groups[i] = request.SupplementaryGroups![i];
        SummonSpawn.Rlimit* limits = stackalloc SummonSpawn.Rlimit[Math.Min(limitCount, 32)];
        if (limitCount > 32)
            throw new SpawnException(request.Path, Errno.EINVAL, ExitStatusNames.Limits);
        for (int i = 0; i < limitCount; i++)
        {
            ResourceLimit limit = request.ResourceLimits[i];
            limits[i] = new SummonSpawn.Rlimit { Resource = limit.Resource, Soft = limit.Soft, Hard = limit.Hard };
        }

        NativeArgBlock block = NativeArgBlock.Create(request.Path, in argv, request.Environment, request.WorkingDirectory,
            listen ? ListenPidPlaceholder : null, exec ? ExecPidPlaceholder : null);
        try
        {
            var args = new SummonSpawn.Args
            {
                Path = block.Path,
                Argv = block.Argv,
                Envp = block.Envp,
                Cwd = block.WorkingDirectory,
                FdCount = sources.Length,
                PidDigits0 = listen ? block.Envp[baseCount] + ListenPidPrefix.Length : null,
                PidDigits1 = exec ? block.Envp[baseCount + (listen ? 1 : 0)] + ExecPidPrefix.Length : null,
                Groups = groups,
                GroupCount = groupCount,
                Limits = limits,
                LimitCount = limitCount,
            };
            SetChildSettings(request, ref args);

            int pid, pidfd;
            int error;
            int mode = request.ExecFailureAtExit ? SummonSpawn.MODE_ASYNC : 0;
            fixed (int* fds = sources)
            {
                args.Fds = fds;
                error = SummonSpawn.Spawn(&args, mode, &pid, &pidfd);
            }
            if (error != 0)
                throw new SpawnException(request.Path, error, args.FailedStep);
            if (pidfd < 0)
                return Track(pid, request.Path, request.ExecFailureAtExit);
            return new SpawnedProcess(pid, new SafeFdHandle(pidfd), request.ExecFailureAtExit ? request.Path : null);
        }
        finally
        {
            block.Dispose();
        }
    }

    /// <summary>The session, SIGPIPE, umask, nice and credentials as <see cref="SummonSpawn.Args.Flags"/> and values.</summary>
    private static void SetChildSettings(SpawnRequest request, ref SummonSpawn.Args args)
    {
        int flags = 0;
        if (request.NewSession)
            flags |= SummonSpawn.SETSID;
        else if (request.NewProcessGroup)
            flags |= SummonSpawn.SETPGID;
        if (request.IgnoreSigpipe)
            flags |= SummonSpawn.IGNORE_SIGPIPE;
        if (request.Umask is uint umask)
        {
            flags |= SummonSpawn.UMASK;
            args.Umask = umask;
        }
        if (request.Nice is int nice)
        {
            flags |= SummonSpawn.NICE;
            args.Nice = nice;
        }
        if (request.Uid is uint uid)
        {
            flags |= SummonSpawn.UID;
            args.Uid = uid;
        }
        if (request.Gid is uint gid)
        {
            flags |= SummonSpawn.GID;
            args.Gid = gid;
        }
        if (request.SupplementaryGroups is not null)
            flags |= SummonSpawn.GROUPS;
        args.Flags = flags;
    }

    /// <summary>The failed step of a reaped <see cref="SpawnRequest.ExecFailureAtExit"/> child, or null.</summary>
    internal static unsafe SpawnException? TakeSpawnFailure(int pid, string path)
    {
        int errno;
        int step = SummonSpawn.TakeFailure(pid, &errno);
        return step == SummonSpawn.STEP_NONE ? null : new SpawnException(path, errno, step);
    }

    /// <summary>
    /// Call first thing in the daemon. An inherited SIGCHLD=SIG_IGN makes the kernel auto-reap every child (no exit
    /// status, and pidfd waits fail with ECHILD), so it goes back to SIG_DFL. SIGPIPE is made SIG_IGN if it is at
    /// SIG_DFL (the .NET runtime already ignores it), because IgnoreSIGPIPE=yes children inherit the ignore from us.
    /// </summary>
    public static unsafe void ResetInheritedSignalDispositions()
    {
        Libc.SigactionStruct old = default, action = default;
        if (Libc.Sigaction(Libc.SIGCHLD, null, &old) != 0)
            throw ErrnoException.FromLast("sigaction(SIGCHLD)");
        if (old.Handler == Libc.SIG_IGN)
        {
            action.Handler = Libc.SIG_DFL;
            if (Libc.Sigaction(Libc.SIGCHLD, &action, null) != 0)
                throw ErrnoException.FromLast("sigaction(SIGCHLD)");
        }

        if (Libc.Sigaction(Libc.SIGPIPE, null, &old) != 0)
            throw ErrnoException.FromLast("sigaction(SIGPIPE)");
        if (old.Handler == Libc.SIG_DFL)
        {
            action.Handler = Libc.SIG_IGN;
            if (Libc.Sigaction(Libc.SIGPIPE, &action, null) != 0)
                throw ErrnoException.FromLast("sigaction(SIGPIPE)");
        }
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
        Libc.Kill(pid, Libc.SIGKILL);
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

    private static SafeHandle? HandleAt(SpawnRequest request, int slot) => slot switch
    {
        0 => request.Stdin,
        1 => request.Stdout,
        2 => request.Stderr,
        _ => request.PassFds[slot - 3],
    };

    private static void Check(int error, string path)
    {
        if (error != 0)
            throw new SpawnException(path, error);
    }

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
