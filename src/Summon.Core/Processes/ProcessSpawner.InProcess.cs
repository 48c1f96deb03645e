using System.Runtime.CompilerServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

internal static partial class ProcessSpawner
{
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

        SummonSpawn.Attrs* attrs = stackalloc SummonSpawn.Attrs[request.Attributes is null ? 0 : 1];
        if (request.Attributes is { } attributes && !attributes.Fill(attrs))
            throw new SpawnException(request.Path, Errno.EINVAL, ExitStatusNames.CpuAffinity);

        SummonSpawn.Privileges* privileges = stackalloc SummonSpawn.Privileges[request.Privileges is null ? 0 : 1];
        if (request.Privileges is { } sandbox)
            *privileges = sandbox.ToNative();

        NativeArgBlock block = NativeArgBlock.Create(request.Path, in argv, request.Environment, request.WorkingDirectory,
            listen ? ListenPidPlaceholder : null, exec ? ExecPidPlaceholder : null);
        SummonSpawn.Open* opens = stackalloc SummonSpawn.Open[3];
        byte[]? openPaths = OpenPaths(request);
        SafeFdHandle? execRead = null;
        int execWrite = -1;
        bool started = false;
        try
        {
            if (request.ReportExec)
                (execRead, execWrite) = ExecReportPipe(request.Path, sources.Length);
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
                ExecFd = execWrite,
            };
            SetChildSettings(request, ref args);
            if (request.Attributes is not null)
            {
                args.Attrs = attrs;
                args.Flags |= SummonSpawn.ATTRS;
            }

            if (request.Privileges is not null)
            {
                args.Privileges = privileges;
                args.Flags |= SummonSpawn.PRIVILEGES;
            }

            if (request.Terminal is { } terminal)
                args.Flags |= TerminalFlags(terminal);

            if (request.Seccomp is { } seccomp)
            {
                args.Seccomp = seccomp.Address;
                args.Flags |= SummonSpawn.SECCOMP;
            }

            int pid, pidfd;
            int error;
            int mode = request.ExecFailureAtExit ? SummonSpawn.MODE_ASYNC : 0;
            byte[]? ttyPath = request.Terminal is { Reset: true } or { VHangup: true } ? ZeroTerminated(request.Terminal.Path) : null;
            using var cgroup = new CgroupFds(request.ControlGroup);
            int* moreProcs = stackalloc int[Math.Min(cgroup.More.Length, 8)];
            cgroup.Fill(ref args, moreProcs);
            fixed (int* fds = sources)
            fixed (byte* paths = openPaths)
            fixed (byte* tty = ttyPath)
            fixed (byte* mounts = request.Mounts?.Block)
            {
                args.Fds = fds;
                args.TtyPath = tty;
                if (mounts != null)
                {
                    args.Mounts = mounts;
                    args.Flags |= SummonSpawn.MOUNTS;
                }
                if (paths != null)
                {
                    FillOpens(request, opens, paths);
                    args.Opens = opens;
                }
                error = SummonSpawn.Spawn(&args, mode, &pid, &pidfd);
            }
            // No failed step: clone itself failed (its pidfd at the fd limit, the process table full), reported as
            // the fd step rather than as a status 0 that would read as success.
            if (error != 0)
                throw new SpawnException(request.Path, error, args.FailedStep == SummonSpawn.STEP_NONE ? ExitStatusNames.Fds : args.FailedStep);
            SpawnedProcess process = pidfd < 0
                ? Track(pid, request.Path, request.ExecFailureAtExit)
                : new SpawnedProcess(pid, new SafeFdHandle(pidfd), request.ExecFailureAtExit ? request.Path : null);
            process.ExecReport = execRead;
            started = true;
            return process;
        }
        finally
        {
            if (execWrite >= 0)
                Libc.Close(execWrite);   // the child's copy is the only writer left: its execve or exit gives EOF
            if (!started)
                execRead?.Dispose();
            block.Dispose();
        }
    }

    /// <summary>
    /// The pipe that tells when the child has left for its program: the child keeps the write end (close-on-exec,
    /// above its fd map) up to execve, or writes its failed step into it. A pipe watched by the event loop rather than
    /// a thread waiting on the slot's futex: it costs one pipe2 and one epoll registration for the few commands that
    /// need it (Type=exec), no thread and no cross-thread post, and its EOF follows the kernel's clearing of the slot
    /// in both cases (exec_mmap before the close-on-exec files at execve, exit_mm before exit_files at exit).
    /// </summary>
    private static (SafeFdHandle Read, int Write) ExecReportPipe(string path, int slots)
    {
        (SafeFdHandle read, SafeFdHandle write) = ChildStdio.CreatePipe(nonBlocking: true);
        using (write)
        {
            // Above the fd map, so no dup3 of the map replaces it in the child.
            int above = Libc.Fcntl(write, Libc.F_DUPFD_CLOEXEC, slots);
            if (above < 0)
            {
                int errno = Errno.Last;
                read.Dispose();
                throw new SpawnException(path, errno, ExitStatusNames.Fds);
            }
            return (read, above);
        }
    }

    /// <summary>The paths of the files the child opens for its stdio, NUL-terminated UTF-8 one after another; null
    /// when it opens none (no allocation on the common path).</summary>
    private static byte[]? OpenPaths(SpawnRequest request)
    {
        if (request.StdinFile is null && request.StdoutFile is null && request.StderrFile is null)
            return null;
        int bytes = 0;
        for (int i = 0; i < 3; i++)
        {
            if (FileAt(request, i) is { } file)
                bytes += System.Text.Encoding.UTF8.GetByteCount(file.Path) + 1;
        }
        var buffer = new byte[bytes];
        int at = 0;
        for (int i = 0; i < 3; i++)
        {
            if (FileAt(request, i) is { } file)
                at += NativeArgBlock.WriteZ(file.Path, buffer.AsSpan(at)) + 1;
        }
        return buffer;
    }

    /// <summary>One <see cref="SummonSpawn.Open"/> per stdio slot, pointing into <paramref name="paths"/> as
    /// <see cref="OpenPaths"/> laid it out.</summary>
    private static unsafe void FillOpens(SpawnRequest request, SummonSpawn.Open* opens, byte* paths)
    {
        byte* cursor = paths;
        for (int i = 0; i < 3; i++)
        {
            opens[i] = default;
            if (FileAt(request, i) is not { } file)
                continue;
            opens[i] = new SummonSpawn.Open { Path = cursor, Flags = file.Flags, Mode = file.Mode };
            cursor += System.Text.Encoding.UTF8.GetByteCount(file.Path) + 1;
        }
    }

    /// <summary>The terminal steps as <see cref="SummonSpawn.Args.Flags"/>.</summary>
    private static int TerminalFlags(TerminalSetup terminal) =>
        terminal.Control switch
        {
            TerminalControl.Take => SummonSpawn.CTTY,
            TerminalControl.Force => SummonSpawn.CTTY | SummonSpawn.CTTY_FORCE,
            _ => 0,
        }
        | (terminal.Reset ? SummonSpawn.TTY_RESET : 0)
        | (terminal.VHangup ? SummonSpawn.TTY_VHANGUP : 0);

    private static byte[] ZeroTerminated(string s)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        NativeArgBlock.WriteZ(s, bytes);
        return bytes;
    }

    /// <summary>The session, SIGPIPE, umask, nice and credentials as <see cref="SummonSpawn.Args.Flags"/> and values.</summary>
    private static void SetChildSettings(SpawnRequest request, ref SummonSpawn.Args args)
    {
        // The child reads a value only when its flag is set.
        args.Umask = request.Umask ?? 0;
        args.Nice = request.Nice ?? 0;
        args.Uid = request.Uid ?? 0;
        args.Gid = request.Gid ?? 0;
        args.Flags = (request.NewSession ? SummonSpawn.SETSID : request.NewProcessGroup ? SummonSpawn.SETPGID : 0)
            | (request.IgnoreSigpipe ? SummonSpawn.IGNORE_SIGPIPE : 0)
            | (request.Umask is null ? 0 : SummonSpawn.UMASK)
            | (request.Nice is null ? 0 : SummonSpawn.NICE)
            | (request.Uid is null ? 0 : SummonSpawn.UID)
            | (request.Gid is null ? 0 : SummonSpawn.GID)
            | (request.SupplementaryGroups is null ? 0 : SummonSpawn.GROUPS)
            | (request.NewSessionKeyring ? SummonSpawn.KEYRING : 0);
    }

    /// <summary>
    /// True while as many asynchronous children are on their way to execve as the spawn depth allows (a child held
    /// there past the native stuck bound not counted): an Accept=yes socket leaves its connections in the backlog
    /// meanwhile. Never true without the in-process routine, whose fallbacks wait for execve themselves.
    /// </summary>
    internal static bool SpawnDepthReached => InProcessAvailable && SummonSpawn.Pending() >= (s_spawnDepth ??= SummonSpawn.Depth());

    private static int? s_spawnDepth;

    /// <summary>The failed step of a reaped <see cref="SpawnRequest.ExecFailureAtExit"/> child, or null.</summary>
    internal static unsafe SpawnException? TakeSpawnFailure(int pid, string path)
    {
        int errno;
        int step = SummonSpawn.TakeFailure(pid, &errno);
        return step == SummonSpawn.STEP_NONE ? null : new SpawnException(path, errno, step);
    }
}
