using System.Runtime.InteropServices;
using Summon.Control;
using Summon.Interop;
using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>The main and control processes of a service: starting them as the unit says, and their exits.</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>
    /// Enters <paramref name="state"/> and runs <paramref name="commands"/> one after another as the control process;
    /// once they are done (at once when there are none) <see cref="OnControlCommandsDone"/> moves on from the state.
    /// </summary>
    private void RunControl(List<ExecCommand> commands, ServiceState state)
    {
        _controlCommands = commands.Count > 0 ? commands : null;
        _nextControl = 0;
        SetState(state);
        RunNextControl();
    }

    private void RunNextControl()
    {
        if (_controlCommands is not { } commands || _nextControl >= commands.Count)
        {
            _controlCommands = null;
            OnControlCommandsDone();
            return;
        }
        if (AwaitCredentials())
            return;
        var command = commands[_nextControl++];
        _controlCommand = command;
        try
        {
            _control = Spawn(command, isMain: false);
            _controlToken = Manager.Loop.Register(_control.ExitHandle, Libc.EPOLLIN, _ => OnControlExited());
        }
        catch (SpawnException e)
        {
            LogSpawnFailure(command, e);
            OnControlFinished(new ExitStatus(ExitCode.Exited, e.ExitStatus));
        }
    }

    private void OnControlExited()
    {
        if (_control is null || !ChildExit.TryReap(_control, out var status))
            return;
        if (ChildExit.Forget(Manager.Loop, ref _control, _controlToken) is { } failure && _controlCommand is { } command)
            LogSpawnFailure(command, failure);
        OnControlFinished(status);
        Manager.OnProcessReaped();
    }

    private void OnControlFinished(ExitStatus status)
    {
        var command = _controlCommand;
        _controlCommand = null;
        bool ok = (command?.IgnoresFailure ?? false) || ExitRules.IsClean(status, Settings, mainProcess: false);
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

        // ExecCondition= exiting 1–254 skips the start like a failed condition (issue 13); 255 or a signal fails it.
        if (_state == ServiceState.Condition && status.Code == ExitCode.Exited && status.Status is > 0 and < 255)
        {
            _controlCommands = null;
            Checks.ExecConditionFailed(Manager.Now);
            EnterSignal(ServiceState.StopSigterm, UnitResult.ExecCondition);
            return;
        }

        ManagerLog.ControlProcessExited(Manager.Log, Id, status.ToString());
        string result = ExitRules.Result(status);
        _controlCommands = null;
        switch (_state)
        {
            case ServiceState.Condition:
                EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.StartPre:
                EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.StartPost:
                EnterStop(result);
                break;
            case ServiceState.Reload:
                _reloadResult = result;
                ReturnToRunning();
                break;
            case ServiceState.Stop:
                EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.StopPost:
                EnterSignal(ServiceState.FinalSigterm, result);
                break;
        }
    }

    private void LogSpawnFailure(ExecCommand command, SpawnException e)
    {
        if (e.ExitStatus == ExitStatusNames.Credentials)
            LogCredentialFailure();
        else if (e.ExitStatus == ExitStatusNames.User)
            LogDynamicUserFailure();
        SpawnFailureLog.Write(Manager.Log, Id, command, e, Manager.ExecBuilder.Directories, Settings.Exec.Privileges.DynamicUser);
    }

    /// <summary>
    /// True when the unit's User=/Group= lookup has not answered: the command waits in the current state, the loop
    /// goes on, and <see cref="OnCredentialsAnswered"/> resumes it. A start waits under TimeoutStartSec=, armed here
    /// when its state had no timer (a simple service's start has none otherwise).
    /// </summary>
    private bool AwaitCredentials()
    {
        if (AwaitDynamicUser())
            return true;
        var credentials = Manager.ExecBuilder.Credentials;
        if (credentials.Answered(Settings.Exec))
            return AwaitCredentialFiles() || AwaitDirectories();
        ulong token = BeginWait();
        credentials.WhenAnswered(Settings.Exec, () => OnCredentialsAnswered(token));
        return true;
    }

    /// <summary>
    /// The command of the state waits (its token in <see cref="_credentialWait"/>); a start waits under
    /// TimeoutStartSec=, armed here when its state had no timer.
    /// </summary>
    private ulong BeginWait()
    {
        ulong token = ++_credentialWaits;
        _credentialWait = token;
        if ((_state is ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost) && !_timeoutApplies)
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        return token;
    }

    /// <summary>The command waits for pool work (a dynamic user, its directories), resumed on the loop once it ends;
    /// its own method, so the closure's capture is allocated only when a command waits.</summary>
    private void WaitFor(Task work)
    {
        ulong token = BeginWait();
        work.ContinueWith(_ => Manager.Loop.Post(() => OnCredentialsAnswered(token)),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>The lookup answered (on the loop): the waiting command of the state runs, unless the wait was dropped.</summary>
    private void OnCredentialsAnswered(ulong token)
    {
        if (token != _credentialWait)
            return;
        _credentialWait = 0;
        switch (_state)
        {
            case ServiceState.Start when Settings.Type == ServiceType.Oneshot:
                if (!SpawnNextOneshot())
                    EnterStartPost();
                break;
            case ServiceState.Start:
                StartMain();
                break;
            default:   // the control commands of start-pre, start-post, reload, stop and stop-post
                RunNextControl();
                break;
        }
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
            if (ResourceBackoff.IsSpawnExhaustion(e.Errno))
                TriggeringSocket?.OnResourcesExhausted(e.Errno);
            var status = new ExitStatus(ExitCode.Exited, e.ExitStatus);
            ExecMainStatus = status;
            if (ServiceExecBuilder.StartsWithoutWaitingForExec(Settings))
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
        _mainKnown = Settings.Type != ServiceType.Forking;   // a forking service's first process is not its main one
        _goneGroup = 0;
        ExecMainStartTimestamp = Manager.Now;
        _mainToken = Manager.Loop.Register(_main.ExitHandle, Libc.EPOLLIN, _ => OnMainExited());
        return true;
    }

    /// <summary>Type=exec: watches the main process's way to execve; false when it is known already.</summary>
    private bool WatchMainExec()
    {
        if (_main?.ExecReportHandle is not { } report)
            return false;
        _mainExecToken = Manager.Loop.Register(report, Libc.EPOLLIN, _ => OnMainExecReported());
        return true;
    }

    private void OnMainExecReported()
    {
        if (_main?.TakeExecReport() is not { } execed)
            return;
        ForgetMainExec();
        // A failed step is the main process's exit, reaped next.
        if (execed && _state == ServiceState.Start)
            EnterStartPost();
    }

    private void ForgetMainExec()
    {
        if (_mainExecToken == 0)
            return;
        Manager.Loop.Unregister(_mainExecToken);
        _mainExecToken = 0;
    }

    private void AdoptMain(IChildProcess process)
    {
        _main = process;
        _mainKnown = true;
        _mainToken = Manager.Loop.Register(process.ExitHandle, Libc.EPOLLIN, _ => OnMainExited());
        Manager.OnUnitStateChanged(this);   // a new main pid: the state file names it
    }

    private void OnMainExited()
    {
        if (_main is null || !ChildExit.TryReap(_main, out var status))
            return;
        Manager.Loop.Unregister(_mainToken);
        ForgetMainExec();
        if (_main.SpawnFailure is { } failure && _mainCommand is { } command)
            LogSpawnFailure(command, failure);
        int pid = _main.Pid;
        bool ourChild = _main.IsChild;
        _main.Dispose();
        _main = null;
        ExecMainStatus = ourChild ? status : null;
        ExecMainExitTimestamp = Manager.Now;
        // A process taken over from a crashed manager is not our child: waitid cannot tell how it ended, so it counts as clean.
        bool clean = !ourChild || ExitRules.IsClean(status, Settings, mainProcess: Settings.Type != ServiceType.Oneshot);   // oneshot main processes are commands, not daemons
        if (!ourChild)
            ManagerLog.UnitWarning(Manager.Log, Id, $"Main process {pid} exited, its exit status is unknown: it is not our child.");
        string? result = clean ? null : ExitRules.Result(status);
        // systemd looks for an OOM kill before the exit: OOMPolicy=stop or kill make it the unit's result (continue
        // leaves the exit's own, `signal` for the killed process).
        if (OomKillSeen() && Settings.OOMPolicy != OomPolicy.Continue)
        {
            clean = false;
            result = UnitResult.OomKill;
            if (Settings.OOMPolicy == OomPolicy.Kill)
                _cgroup?.Kill(Signals.SIGKILL);
        }
        if (!clean)
            ManagerLog.MainProcessExited(Manager.Log, Id, status.ToString());
        OnMainFinished(pid, clean, result);
        Manager.OnProcessReaped();
    }

    /// <summary>
    /// Reaps the control and main processes now if they have exited, before the loop reports their exit handles: a
    /// socket about to refuse a connection for MaxConnections= counts the instances that are really still alive.
    /// </summary>
    internal void ReapIfExited()
    {
        if (_control is not null)
            OnControlExited();
        if (_main is not null)
            OnMainExited();
    }

    private void OnMainFinished(int pid, bool clean, string? result)
    {
        switch (_state)
        {
            case ServiceState.Start when Settings.Type == ServiceType.Oneshot:
                if (!clean)
                    EnterSignal(ServiceState.StopSigterm, result);
                else if (!SpawnNextOneshot())
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
                else
                    _mainKnown = false;   // the cgroup alone says whether the service runs (ServiceGood)
                EnterStartPost();
                break;
            case ServiceState.Start:
                // Type=notify (or exec) exited before it was ready.
                EnterSignal(ServiceState.StopSigterm, clean ? UnitResult.Protocol : result);
                break;
            case ServiceState.StartPost:
                if (!clean)
                    EnterSignal(ServiceState.StopSigterm, result);
                break;
            case ServiceState.Running or ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify:
                if (clean && _control is null && Settings.ExitType == ServiceExitType.Cgroup && CgroupGood())
                    WatchWhileOnlyCgroup();   // ExitType=cgroup: the service ends with the last process of its cgroup
                else if (clean && Settings.RemainAfterExit && _control is null)
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

    /// <summary>
    /// Type=forking: the daemon is the PIDFile= pid; else, with GuessMainPID=, the one process of the cgroup that is
    /// our child (re-parented to us once the parent exited), none when there are several, as systemd guesses; without
    /// a cgroup, the first process left in the parent's group.
    /// </summary>
    private IChildProcess? FindForkedDaemon(int parentPid)
    {
        if (Settings.PIDFile is { } pidFile)
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) && pid > 0)
                    return Manager.Launcher.Adopt(pid);
            }
            catch (IOException)
            {
                ManagerLog.UnitWarning(Manager.Log, Id, $"Can't open PID file {pidFile} (yet?) after start: No such file or directory");
            }
        }
        if (!Settings.GuessMainPID)
            return null;
        if (_cgroup is not null)
            return GuessFromCgroup();
        foreach (int pid in Manager.Launcher.GroupMembers(parentPid))
            if (Manager.Launcher.Adopt(pid) is { } adopted)
                return adopted;
        return null;
    }

    /// <summary>Starts one command through the launcher with what <see cref="ServiceExecBuilder"/> prepares.</summary>
    private IChildProcess Spawn(ExecCommand command, bool isMain)
    {
        var sockets = isMain && _connection is null ? Manager.SocketsTriggering(this).ToList() : NoSockets;
        var inputs = new ExecInputs
        {
            UnitId = Id,
            Settings = Settings,
            Command = command,
            IsMain = isMain,
            IsConnectionInstance = IsConnectionInstance,
            Connection = _connection,
            ListenFds = sockets.Count == 0 ? NoListenFds : [.. sockets.SelectMany(s => s.PassedFds())],
            StoredFds = isMain ? _fdStore.Entries : NoStoredFds,
            InvocationId = InvocationId,
            MainPid = !isMain && _main is not null ? _main.Pid : 0,
            CredentialsDirectory = CredentialFilesFor(command),
            ControlGroup = EnterCgroup(command)?.Child,
            DynamicUser = CurrentDynamicUser,
            Directories = TakeDirectories(),
        };
        long building = Manager.Loop.Time.GetTimestamp();
        using var plan = Manager.ExecBuilder.Build(in inputs);
        var process = Manager.ExecBuilder.Launch(plan);
        Manager.Metrics.Spawn.Observe(Manager.Loop.Time.GetElapsedTime(building));
        if (isMain && _connection is null)
        {
            _passedSockets = sockets;
            PassedListenFds = ListenFdsOf(sockets);
            foreach (var socket in sockets)
                socket.OnServiceStarted(this);
        }
        plan.Started(process.Pid);
        HoldIpcOwners(plan.Request.Uid, plan.Request.Gid);
        return process;
    }

    private static readonly (SafeHandle Fd, string Name)[] NoListenFds = [];
    private static readonly (SafeFdHandle Fd, string Name)[] NoStoredFds = [];
}
