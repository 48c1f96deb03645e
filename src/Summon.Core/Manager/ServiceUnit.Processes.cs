using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>The main and control processes of a service: spawning them as the unit says, and their exits.</summary>
public sealed partial class ServiceUnit
{
    private SpawnedProcess? _main;
    private ulong _mainToken;
    private ExecCommand? _mainCommand;
    private Queue<ExecCommand>? _pendingMain;
    private SpawnedProcess? _control;
    private ulong _controlToken;
    private ExecCommand? _controlCommand;
    private Queue<ExecCommand>? _pendingControl;
    private Action? _controlDone;
    private Action? _timerAction;
    private bool _startJobPending;
    private List<SocketUnit> _passedSockets = NoSockets;

    /// <summary>Shared empty list (never added to): a connection instance passes no listening sockets.</summary>
    private static readonly List<SocketUnit> NoSockets = [];
    private SafeHandle? _journalPipe;

    /// <summary>
    /// With no <paramref name="commands"/>, does what <see cref="RunControl"/> would (enter <paramref name="state"/>,
    /// nothing pending) and returns true: the caller then continues itself, without a queue or a done delegate.
    /// </summary>
    private bool SkipControl(List<ExecCommand> commands, ServiceState state)
    {
        if (commands.Count > 0)
            return false;
        _pendingControl = null;
        _controlDone = null;
        SetState(state);
        return true;
    }

    /// <summary>Runs <paramref name="commands"/> one after another as the control process, in <paramref name="state"/>.</summary>
    private void RunControl(List<ExecCommand> commands, ServiceState state, Action done)
    {
        _pendingControl = new Queue<ExecCommand>(commands);
        _controlDone = done;
        SetState(state);
        RunNextControl();
    }

    private void RunNextControl()
    {
        if (_pendingControl is null || _pendingControl.Count == 0)
        {
            var done = _controlDone;
            _controlDone = null;
            _pendingControl = null;
            done?.Invoke();
            return;
        }
        var command = _pendingControl.Dequeue();
        _controlCommand = command;
        try
        {
            _control = Spawn(command, isMain: false);
            _controlToken = Manager.Loop.Register(_control.Pidfd, Libc.EPOLLIN, _ => OnControlExited());
        }
        catch (SpawnException e)
        {
            LogSpawnFailure(command, e);
            OnControlFinished(new ExitStatus(ExitCode.Exited, e.ExitStatus));
        }
    }

    private void OnControlExited()
    {
        if (_control is null || !TryReap(_control, out var status))
            return;
        Manager.Loop.Unregister(_controlToken);
        _control.Dispose();
        _control = null;
        OnControlFinished(status);
        Manager.OnProcessReaped();
    }

    private void OnControlFinished(ExitStatus status)
    {
        _lastControlStatus = status;
        var command = _controlCommand;
        _controlCommand = null;
        bool ok = (command?.Flags.HasFlag(ExecFlags.IgnoreFailure) ?? false) || ExitRules.IsClean(status, Settings, mainProcess: false);
        if (_state is ServiceState.StopSigterm or ServiceState.StopSigkill or ServiceState.FinalSigterm or ServiceState.FinalSigkill)
        {
            OnProcessesGone();
            return;
        }
        if (ok)
        {
            RunNextControl();
            return;
        }

        ManagerLog.ControlProcessExited(Manager.Log, Id, status.ToString());
        string result = ExitRules.Result(status);
        _pendingControl = null;
        _controlDone = null;
        switch (_state)
        {
            case ServiceState.StartPre:
                EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.StartPost:
                EnterStop(result);
                break;
            case ServiceState.Reload:
                SetState(ServiceState.Running);
                break;
            case ServiceState.Stop:
                EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.StopPost:
                EnterSignal(ServiceState.FinalSigterm, result);
                break;
        }
    }

    /// <summary>What systemd logs when a command cannot be started: the failing step, then "Failed at step …".</summary>
    private void LogSpawnFailure(ExecCommand command, SpawnException e)
    {
        string what = e.Step switch
        {
            "USER" => "Failed to determine user credentials",
            "GROUP" => "Failed to determine group credentials",
            "CHDIR" => "Changing to the requested working directory failed",
            "LIMITS" => "Failed to adjust resource limits",
            "NICE" => "Failed to set up process scheduling priority (nice level)",
            "FDS" => "Failed to prepare the file descriptors",
            _ => $"Failed to execute {command.Path}",
        };
        ManagerLog.UnitError(Manager.Log, Id, $"{what}: {e.Reason}");
        ManagerLog.UnitError(Manager.Log, Id, e.Message);
    }

    /// <summary>Spawns the main process; on failure logs like systemd (status 203/EXEC) and enters the stop path.</summary>
    private bool SpawnMain(ExecCommand command)
    {
        _mainCommand = command;
        try
        {
            _main = Spawn(command, isMain: true);
        }
        catch (SpawnException e)
        {
            ReleaseConnection();
            var status = new ExitStatus(ExitCode.Exited, e.ExitStatus);
            ExecMainStatus = status;
            if (StartsWithoutWaitingForExec)
            {
                // systemd forks first and execs in the child: the start job of a simple service has succeeded
                // before the exec fails, so the failure shows as the main process exiting with 203/EXEC.
                _startJobPending = false;
                SetState(ServiceState.Running);
                ManagerLog.Started(Manager.Log, Id, ManagerLog.Suffix(this));
                LogSpawnFailure(command, e);
                ManagerLog.MainProcessExited(Manager.Log, Id, status.ToString());
                EnterStop(UnitResult.ExitCode);
                return false;
            }
            LogSpawnFailure(command, e);
            ManagerLog.MainProcessExited(Manager.Log, Id, status.ToString());
            EnterSignal(ServiceState.StopSigterm, UnitResult.ExitCode);
            return false;
        }
        ReleaseConnection();   // the child holds its own copy
        ExecMainPid = _main.Pid;
        _goneGroup = 0;
        ExecMainStartTimestamp = Manager.Now;
        _mainToken = Manager.Loop.Register(_main.Pidfd, Libc.EPOLLIN, _ => OnMainExited());
        return true;
    }

    private void AdoptMain(SpawnedProcess process)
    {
        _main = process;
        _mainToken = Manager.Loop.Register(process.Pidfd, Libc.EPOLLIN, _ => OnMainExited());
    }

    /// <summary>Types whose start job is done when the main process exists: an exec failure shows as its exit.</summary>
    private bool StartsWithoutWaitingForExec => Settings.Type is ServiceType.Simple or ServiceType.Idle or ServiceType.Dbus;

    private void OnMainExited()
    {
        if (_main is null || !TryReap(_main, out var status))
            return;
        Manager.Loop.Unregister(_mainToken);
        if (_main.SpawnFailure is { } failure && _mainCommand is { } command)
            LogSpawnFailure(command, failure);
        int pid = _main.Pid;
        _main.Dispose();
        _main = null;
        ExecMainStatus = status;
        ExecMainExitTimestamp = Manager.Now;
        bool clean = ExitRules.IsClean(status, Settings, mainProcess: Settings.Type != ServiceType.Oneshot);   // oneshot main processes are commands, not daemons
        string? result = clean ? null : ExitRules.Result(status);
        if (!clean)
            ManagerLog.MainProcessExited(Manager.Log, Id, status.ToString());
        OnMainFinished(pid, clean, result);
        Manager.OnProcessReaped();
    }

    private void OnMainFinished(int pid, bool clean, string? result)
    {
        switch (_state)
        {
            case ServiceState.Start when Settings.Type == ServiceType.Oneshot:
                if (!clean)
                    EnterSignal(ServiceState.StopSigterm, result);
                else if (_pendingMain is { Count: > 0 })
                    SpawnNextOneshot();
                else
                    EnterStartPost();
                break;
            case ServiceState.Start when Settings.Type == ServiceType.Forking:
                if (!clean)
                {
                    EnterSignal(ServiceState.StopSigterm, result);
                    break;
                }
                if (FindForkedDaemon(pid) is { } daemon)
                    AdoptMain(daemon);
                EnterStartPost();
                break;
            case ServiceState.Start:
                // Type=notify (or exec) exited before it was ready.
                EnterSignal(ServiceState.StopSigterm, clean ? "protocol" : result);
                break;
            case ServiceState.StartPost:
                if (!clean)
                    EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.Running or ServiceState.Reload:
                if (clean && Settings.RemainAfterExit && _control is null)
                {
                    CancelTimer();
                    SetState(ServiceState.Exited);
                }
                else if (_control is not null)
                    EnterSignal(ServiceState.StopSigterm, result);
                else
                    EnterStop(result);
                break;
            case ServiceState.StopSigterm or ServiceState.StopSigkill or ServiceState.FinalSigterm or ServiceState.FinalSigkill:
                if (!clean && _state is ServiceState.StopSigterm or ServiceState.FinalSigterm && !_stopRequested)
                    RecordResult(result);
                OnProcessesGone();
                break;
        }
    }

    /// <summary>Type=forking: the daemon is the PIDFile= pid, else the process left in the parent's group.</summary>
    private SpawnedProcess? FindForkedDaemon(int parentPid)
    {
        if (Settings.PIDFile is { } pidFile)
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) && pid > 0)
                    return SpawnedProcess.Adopt(pid);
            }
            catch (IOException)
            {
                ManagerLog.UnitWarning(Manager.Log, Id, $"Can't open PID file {pidFile} (yet?) after start: No such file or directory");
            }
        }
        foreach (int pid in ProcessTable.InGroup(parentPid))
            if (SpawnedProcess.Adopt(pid) is { } adopted)
                return adopted;
        return null;
    }

    private static bool TryReap(SpawnedProcess process, out ExitStatus status)
    {
        try
        {
            return process.TryReap(out status);
        }
        catch (ErrnoException e) when (e.Number == Errno.ECHILD)
        {
            // Not our child (an adopted daemon we could not wait for): it is gone, its status unknown.
            status = new ExitStatus(ExitCode.Exited, 0);
            return true;
        }
    }

    /// <summary>Builds the spawn request for one command: stdio, fds, environment, expansion.</summary>
    private SpawnedProcess Spawn(ExecCommand command, bool isMain)
    {
        var settings = Settings;
        var exec = settings.Exec;
        var sockets = isMain && _connection is null ? Manager.SocketsTriggering(this).ToList() : NoSockets;
        bool haveSocket = isMain && (_connection is not null || sockets.Count > 0);
        var plan = StdioPlan.For(settings, haveSocket);

        var passFds = new List<SafeHandle>();
        var names = new List<string>();
        if (isMain && !plan.UsesSocketStdio)
        {
            if (_connection is not null)
            {
                passFds.Add(_connection.Handle);
                names.Add("connection");
            }
            foreach (var socket in sockets)
            {
                foreach (var (fd, name) in socket.PassedFds())
                {
                    passFds.Add(fd);
                    names.Add(name);
                }
            }
            // The fd store comes back after the socket fds (sd_listen_fds(3)).
            foreach (var (fd, name) in _fdStore)
            {
                passFds.Add(fd);
                names.Add(name);
            }
        }

        string identifier = exec.SyslogIdentifier ?? Path.GetFileName(command.Argv.Count > 0 ? command.Argv[0] : command.Path);
        var owned = new List<IDisposable>();
        var captures = new List<OutputCapture>(2);
        try
        {
            SafeHandle? socketFd = _connection?.Handle ?? (plan.UsesSocketStdio && sockets.Count > 0 ? sockets[0].PassedFds().First().Fd : null);
            SafeHandle? stdout = Target(plan.Output, exec.StandardOutput, exec.StandardOutputPath, socketFd, identifier, owned, captures);
            SafeHandle? stderr = plan.Error == StdioTarget.SameAsOutput ? stdout : Target(plan.Error, exec.StandardError, exec.StandardErrorPath, socketFd, identifier, owned, captures);
            SafeHandle? stdin = plan.Input == StdioTarget.Socket ? socketFd : OpenInput(exec, owned);

            string path = Manager.ResolveExecutable(command.Path);
            var credentials = ExecCredentials.Resolve(exec.User, exec.Group, exec.SupplementaryGroups, path);
            var environment = Manager.BuildEnvironment(this, settings, passFds.Count, names, _connection, credentials.Environment);
            if (!isMain && _main is not null)
                ExecEnvironment.Set(environment, "MAINPID=" + _main.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (_journalPipe is { } pipe && ChildStdio.DeviceAndInode(pipe) is { } stream)
                environment.Add("JOURNAL_STREAM=" + stream);
            _journalPipe = null;
            var argv = command.Flags.HasFlag(ExecFlags.NoEnvExpand) ? command.Argv : ExecEnvironment.ExpandArguments(command.Argv, environment);

            var request = new SpawnRequest
            {
                Path = path,
                Argv = argv,
                Environment = environment,
                Stdin = stdin,
                Stdout = stdout,
                Stderr = stderr,
                PassFds = passFds,
                SetListenPid = passFds.Count > 0,
                // SYSTEMD_EXEC_PID costs nothing in process (the child writes its pid); only without the native
                // routine would it take an exec helper, which per-connection instances on socket stdio then skip.
                SetExecPid = passFds.Count > 0 || !IsConnectionInstance || ProcessSpawner.InProcessAvailable,
                // Accept=yes instances lead their own process group (pgid == pid, all KillMode= needs) but stay in
                // the manager's session. systemd gives every service a session, and its own cgroup; here a session
                // also means a scheduler autogroup (kernel.sched_autogroup_enabled, on by default where no cpu
                // cgroup is in use), so one per connection made every short-lived instance an equal of the whole
                // manager and of the clients: under load the tail latency of a busy Accept=yes socket was 1.6x
                // tcpserver's (p99 20 ms against 12.5 ms at 8 clients; 12 ms with a process group). What differs
                // from systemd for the instance: getsid() is the manager's, and it shares the manager's controlling
                // terminal if the manager has one (a daemon or PID 1 has none).
                NewSession = !IsConnectionInstance,
                NewProcessGroup = true,
                WorkingDirectory = exec.WorkingDirectory == "~" && credentials.Home is { } home ? home : WorkingDirectory(exec),
                NonBlockingPassFds = exec.NonBlocking,
                IgnoreSigpipe = exec.IgnoreSigpipe,
                Uid = credentials.Uid,
                Gid = credentials.Gid,
                SupplementaryGroups = credentials.SupplementaryGroups,
                Umask = exec.UMask,
                Nice = exec.Nice,
                ResourceLimits = exec.Limits.Count == 0 ? [] : [.. exec.Limits.Select(l => new ResourceLimit((int)l.Key, l.Value.Soft, l.Value.Hard))],
                // A simple service has started once its process exists (systemd forks and reports a failed exec when
                // the child exits), so the manager does not wait for the exec: OnMainExited logs the failed step.
                ExecFailureAtExit = isMain && StartsWithoutWaitingForExec,
            };
            var process = ProcessSpawner.Spawn(request);
            if (isMain && _connection is null)
            {
                _passedSockets = sockets;
                foreach (var socket in sockets)
                    socket.OnServiceStarted();
            }
            foreach (var capture in captures)
                capture.Attach(process.Pid);
            captures.Clear();
            return process;
        }
        finally
        {
            // The child holds its own copies now; the manager keeps none of the pipe write ends or files.
            foreach (var handle in owned)
                handle.Dispose();
            foreach (var capture in captures)   // only left when the spawn failed
                capture.Dispose();
        }
    }

    private SafeHandle? Target(StdioTarget target, StandardOutputKind kind, string? path, SafeHandle? socketFd, string identifier, List<IDisposable> owned, List<OutputCapture> captures)
    {
        switch (target)
        {
            case StdioTarget.Socket:
                return socketFd;
            case StdioTarget.Inherit:
                return Manager.InheritedStderr;
            case StdioTarget.Journal when kind is StandardOutputKind.File or StandardOutputKind.Append or StandardOutputKind.Truncate && path is not null:
            {
                var file = ChildStdio.OpenOutput(path, append: kind == StandardOutputKind.Append, truncate: kind == StandardOutputKind.Truncate);
                owned.Add(file);
                return file;
            }
            case StdioTarget.Journal:
            {
                var (capture, writeEnd) = OutputCapture.Create(Manager.Loop, Manager.Journal, Id, identifier, 6);
                captures.Add(capture);
                owned.Add(writeEnd);
                _journalPipe ??= writeEnd;   // stdout's pipe when both go to the journal
                return writeEnd;
            }
            default:
                return null;
        }
    }

    private static SafeHandle? OpenInput(ExecSettings exec, List<IDisposable> owned)
    {
        if (exec.StandardInput == StandardInputKind.File && exec.StandardInputPath is { } path)
        {
            var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            owned.Add(file);
            return file;
        }
        return null;
    }

    private string? WorkingDirectory(ExecSettings exec)
    {
        string? dir = exec.WorkingDirectory;
        // Without WorkingDirectory= a system manager runs services in /, a user manager in the user's home.
        string fallback = Manager.Options.UserMode ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : "/";
        if (dir is null)
            return fallback;
        if (dir == "~")
            dir = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (exec.WorkingDirectoryMissingOk && !Directory.Exists(dir))
            return fallback;
        return dir;
    }
}
