using Summon.Control;
using Summon.Manager.Conditions;
using Summon.Manager.Credentials;
using Summon.Manager.Directories;
using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A .service unit at run time: systemd's service state machine (start-pre → start → start-post → running →
/// stop → stop-sigterm → stop-sigkill → stop-post → final-sigterm → final-sigkill → dead/failed/auto-restart),
/// one main process and at most one control process (ExecStartPre=, ExecStartPost=, ExecReload=, ExecStop=,
/// ExecStopPost=), each watched through its exit handle on the event loop, with the start and stop timeouts,
/// Restart=, start limits and sd_notify readiness. What happens next is decided by <see cref="State"/> alone: when a
/// timeout fires or the control commands of a state are done, the state says which transition follows.
/// Services are spawned in their own session, so the process group of the main process stands in for systemd's
/// cgroup when remaining processes are killed. Accept=yes instances carry the accepted connection and report back to
/// their socket when they end; they lead their own process group inside the manager's session.
/// This file holds all of the service's state and its jobs and transitions; <c>ServiceUnit.Processes.cs</c> starts
/// and reaps its processes, <c>ServiceUnit.Notify.cs</c> applies sd_notify messages and the watchdog.
/// </summary>
internal sealed partial class ServiceUnit : UnitRuntime
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Shared empty list (never added to): a connection instance passes no listening sockets.</summary>
    private static readonly List<SocketUnit> NoSockets = [];

    private readonly RateLimit _startLimit;
    private ServiceState _state = ServiceState.Dead;

    // What the current jobs asked for.
    private bool _stopRequested;
    private bool _startAfterStop;
    private bool _startJobPending;

    // The timeout of the current state (its handler follows from the state), the restart delay and the watchdog.
    private IDisposable? _timer;
    private bool _timeoutApplies;
    private IDisposable? _restartTimer;
    private IDisposable? _watchdogTimer;
    private TimeSpan? _watchdogOverride;

    // The main process, and the ExecStart= lines of a oneshot service still to run.
    private IChildProcess? _main;
    private ulong _mainToken;
    private ulong _mainExecToken;   // Type=exec in start: the watch on the main process's execve, 0 when none
    private ExecCommand? _mainCommand;
    // systemd's main_pid_known: this run has (had) a main process of its own. A forking service whose daemon was not
    // guessed (GuessMainPID=no, or no single candidate) has none, and its cgroup alone says whether it runs.
    private bool _mainKnown;
    private List<ExecCommand>? _mainCommands;
    private int _nextMain;

    // The control process, and the commands of the current state still to run.
    private IChildProcess? _control;
    private ulong _controlToken;
    private ExecCommand? _controlCommand;
    private List<ExecCommand>? _controlCommands;
    private int _nextControl;

    // A command of the current state waiting for the User=/Group= lookup: the token its posted answer must carry, 0
    // when none waits; a change of state drops the wait. What it resumes follows from the state (OnCredentialsAnswered).
    private ulong _credentialWait;
    private ulong _credentialWaits;

    // Type=dbus: the watch on BusName= while the service starts and runs.
    private Bus.BusNameWatch? _busWatch;

    // The reload in progress: who waits for it (`reload` returns when it is done, as systemctl's job), its result,
    // and whether the service's last word was RELOADING=1 (Type=notify-reload stays reloading until READY=1).
    private List<TaskCompletionSource<JobResult>>? _reloadWaiters;
    private string _reloadResult = UnitResult.Success;
    private bool _notifyReloading;
    // The making of the current invocation's credentials directory (ServiceUnit.Credentials.cs); null when none.
    private CredentialJob? _credentialFiles;
    // DynamicUser= and RemoveIPC=: the users the current start holds (ServiceUnit.DynamicUser.cs); null when none, so
    // that a unit without them (every Accept=yes instance of the benchmarks) carries one reference only.
    private HeldUsers? _users;
    // The directories made for the next command (ServiceUnit.Directories.cs); null when none is made or waited for.
    private DirectoryJob? _directories;

    /// <summary>The main process's group id last found empty; 0 when none (reset by every new main process).</summary>
    private int _goneGroup;

    // The unit's cgroup (null without a writable cgroup2: process groups stand in), the loop's watch on its
    // cgroup.events, and whether the keys it cannot apply were reported.
    private ControlGroups.UnitCgroup? _cgroup;
    private ulong _cgroupToken;
    private ulong _oomToken;   // the watch on the cgroup's OOM kills (OOMPolicy=), 0 when none
    private bool _cgroupWarned;

    // What the service was handed: its connection (Accept=yes), the sockets whose fds it got, its fd store.
    private AcceptedConnection? _connection;
    private List<SocketUnit> _passedSockets = NoSockets;
    private readonly FdStore _fdStore = new();

    // Issue 13, conditions: a restart of Restart= does not test Condition*=/Assert*= again (the unit is activating).
    private bool _restarting;

    internal ServiceUnit(UnitManager manager, LoadedUnit definition, string? id = null, string? descriptionOverride = null) : base(manager, definition, id)
    {
        DescriptionOverride = descriptionOverride;
        var unit = definition.Unit;
        _startLimit = new RateLimit(manager.Loop.Time, unit.StartLimitInterval ?? TimeSpan.FromSeconds(10), unit.StartLimitBurst ?? 5);
    }

    public ServiceState State => _state;

    public override UnitActiveState ActiveState => _state.ToActiveState();

    public override string SubState => _state.Name();

    public override string Description => DescriptionOverride ?? base.Description;

    internal string? DescriptionOverride { get; }

    public ServiceSection Settings => Definition.Service!;

    public int MainPid => _main?.Pid ?? 0;

    public int ControlPid => _control?.Pid ?? 0;

    public int ExecMainPid { get; private set; }

    public ExitStatus? ExecMainStatus { get; private set; }

    public DateTimeOffset? ExecMainStartTimestamp { get; private set; }

    public DateTimeOffset? ExecMainExitTimestamp { get; private set; }

    public string InvocationId { get; private set; } = "";

    public uint NRestarts { get; private set; }

    /// <summary>STATUS= of the last sd_notify message.</summary>
    public string? StatusText { get; private set; }

    /// <summary>ERRNO= of the last sd_notify message.</summary>
    public int StatusErrno { get; private set; }

    /// <summary>The socket whose connection (Accept=yes) or readiness (Accept=no) started this service.</summary>
    internal SocketUnit? TriggeringSocket { get; set; }

    /// <summary>When a socket asked this service to start for a connection (a loop timestamp; 0: none pending): the
    /// activation latency ends when the service is active.</summary>
    internal long ActivationRequestedAt { get; set; }

    /// <summary>When WatchdogSec= last expired, until the service is active again: /livez fails meanwhile.</summary>
    internal DateTimeOffset? WatchdogExpiredAt { get; set; }

    /// <summary>A manual restart's stop is under way: RuntimeDirectoryPreserve=restart keeps the runtime directories.</summary>
    internal bool RestartRequested { get; set; }

    /// <summary>True for a per-connection instance: forgotten once it ends successfully.</summary>
    internal bool IsConnectionInstance { get; private set; }

    /// <summary>Source key for MaxConnectionsPerSource= (peer address or UID), null when not limited.</summary>
    internal string? ConnectionSource { get; set; }

    protected override bool SkipsStartChecks => IsConnectionInstance;

    public override bool CanCollect => _state == ServiceState.Dead && _main is null && _control is null;

    internal void AttachConnection(SocketUnit socket, AcceptedConnection connection)
    {
        TriggeringSocket = socket;
        _connection = connection;
        IsConnectionInstance = true;
    }

    // ---- jobs ----------------------------------------------------------------------------------------------

    public override bool Start()
    {
        switch (_state)
        {
            case ServiceState.Running or ServiceState.Exited or ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify:
            case ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost:
                return true;
            case ServiceState.Stop or ServiceState.StopSigterm or ServiceState.StopSigkill or ServiceState.StopPost
                or ServiceState.FinalSigterm or ServiceState.FinalSigkill:
                _startAfterStop = true;   // the start job waits for the stop to finish, as a queued systemd job would
                return true;
        }
        _restartTimer?.Dispose();
        _restartTimer = null;

        if (!_restarting && CheckStartConditions() is var check and not StartCheck.Pass)
        {
            // Nothing starts: the connection (Accept=yes) is closed and the socket listens again, as after a stop.
            ReleaseConnection();
            Manager.OnUnitFinished(this);
            NotifySocketOfEnd(startLimitHit: false);
            return check == StartCheck.Skip;
        }

        if (!_startLimit.Allow())
        {
            ReleaseConnection();
            ManagerLog.UnitWarning(Manager.Log, Id, "Start request repeated too quickly.");
            Manager.OnStartLimitHit(this);
            Result = UnitResult.StartLimitHit;
            SetState(ServiceState.Failed);
            ManagerLog.FailedWithResult(Manager.Log, Id, Result);
            ManagerLog.FailedToStart(Manager.Log, Id, ManagerLog.Suffix(this));
            ScheduleStartLimitRecovery();
            NotifySocketOfEnd(startLimitHit: true);
            return false;
        }
        CancelRecovery();

        _stopRequested = false;
        _startJobPending = true;
        Result = UnitResult.Success;
        StatusText = null;
        StatusErrno = 0;
        InvocationId = InvocationIds.Next();
        ExecMainStatus = null;
        _mainKnown = false;
        EnterCondition();
        return true;   // the start job settles with the state changes that follow
    }

    public override void Stop()
    {
        CancelRecovery();
        _startAfterStop = false;
        _stopRequested = true;
        switch (_state)
        {
            case ServiceState.Dead or ServiceState.Failed:
                ReleaseConnection();
                return;
            case ServiceState.AutoRestart:
                _restartTimer?.Dispose();
                _restartTimer = null;
                RemoveDirectories(restarting: RestartRequested, privateTmp: false);   // kept for a restart that is now off
                RestartRequested = false;
                SetState(ServiceState.Dead);
                ManagerLog.Stopped(Manager.Log, Id, ManagerLog.Suffix(this));
                return;
            case ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost:
                ManagerLog.Stopping(Manager.Log, Id, ManagerLog.Suffix(this));
                EnterSignal(ServiceState.StopSigterm, null);
                return;
            case ServiceState.Running or ServiceState.Exited or ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify:
                ManagerLog.Stopping(Manager.Log, Id, ManagerLog.Suffix(this));
                EnterStop(null);
                return;
        }
        // Already stopping: the running stop continues.
    }

    /// <summary>`kill`: a signal to the main process, or to every process of the unit.</summary>
    public bool Kill(int signal, bool mainOnly)
    {
        bool sent = false;
        if (!mainOnly && _cgroup is not null)
            return _cgroup.Kill(signal);
        if (_main is not null)
            sent |= mainOnly ? _main.Signal(signal) : _main.SignalGroup(signal);
        if (!mainOnly && _control is not null)
            sent |= _control.SignalGroup(signal);
        if (!mainOnly && _main is null && ExecMainPid > 0 && GroupAlive(ExecMainPid))
            sent |= Manager.Launcher.SignalGroup(ExecMainPid, signal);
        return sent;
    }

    public override void ResetFailed()
    {
        base.ResetFailed();
        _startLimit.Reset();
        NRestarts = 0;
        _backoffStep = 0;
        CancelRecovery();
        if (_state == ServiceState.Failed)
            SetState(ServiceState.Dead);
    }

    // ---- the state machine ---------------------------------------------------------------------------------

    /// <summary>ExecCondition= (issue 13): run as control commands before ExecStartPre=; none means straight on.</summary>
    private void EnterCondition()
    {
        if (Settings.ExecCondition.Count == 0)
        {
            EnterStartPre();
            return;
        }
        ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        RunControl(Settings.ExecCondition, ServiceState.Condition);
    }

    private void EnterStartPre()
    {
        // A simple service without ExecStartPre=/ExecStartPost= reaches running (or the stop path) before this call
        // returns: its start timer would be cancelled unseen, so it is not armed.
        if (Settings.ExecStartPre.Count > 0 || Settings.ExecStartPost.Count > 0
            || Settings.Type is not (ServiceType.Simple or ServiceType.Exec or ServiceType.Idle))
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        RunControl(Settings.ExecStartPre, ServiceState.StartPre);
    }

    private void EnterStart()
    {
        SetState(ServiceState.Start);
        if (Settings.Type == ServiceType.Oneshot)
        {
            _mainCommands = Settings.ExecStart;
            _nextMain = 0;
            if (!SpawnNextOneshot())
                EnterStartPost();
            return;
        }
        if (Settings.ExecStart.Count == 0)
        {
            EnterStartPost();
            return;
        }
        StartMain();
    }

    /// <summary>The main process of a service that is not oneshot, then the state its type waits in.</summary>
    private void StartMain()
    {
        if (AwaitCredentials())
            return;
        if (Settings.Type == ServiceType.Dbus && !WatchBusName())
            return;
        if (!SpawnMain(Settings.ExecStart[0]))
            return;
        if (Settings.Type == ServiceType.Exec && WatchMainExec())
            return;   // exec: started once its execve has happened (OnMainExecReported)
        if (Settings.Type is ServiceType.Simple or ServiceType.Exec or ServiceType.Idle)
            EnterStartPost();
        // notify: waits for READY=1; dbus: for its bus name; forking: for the parent to exit.
    }

    /// <summary>Type=oneshot: starts the next ExecStart= line; false when none is left.</summary>
    private bool SpawnNextOneshot()
    {
        if (_mainCommands is not { } commands || _nextMain >= commands.Count)
        {
            _mainCommands = null;
            return false;
        }
        if (AwaitCredentials())
            return true;
        SpawnMain(commands[_nextMain++]);
        return true;
    }

    private void EnterStartPost() => RunControl(Settings.ExecStartPost, ServiceState.StartPost);

    private void EnterRunning()
    {
        CancelTimer();
        _startJobPending = false;
        bool oneshot = Settings.Type == ServiceType.Oneshot;
        if (ServiceGood())
        {
            SetState(ServiceState.Running);
            ManagerLog.Started(Manager.Log, Id, ManagerLog.Suffix(this));
            if (Settings.RuntimeMaxSec is { } max && max > TimeSpan.Zero)
                ArmTimer(max);
            ArmWatchdog();
            WatchWhileOnlyCgroup();
        }
        else if (Settings.RemainAfterExit)
        {
            SetState(ServiceState.Exited);
            if (oneshot)
                ManagerLog.Finished(Manager.Log, Id, ManagerLog.Suffix(this));
            else
                ManagerLog.Started(Manager.Log, Id, ManagerLog.Suffix(this));
        }
        else
        {
            if (oneshot)
                ManagerLog.Finished(Manager.Log, Id, ManagerLog.Suffix(this));
            else
                ManagerLog.Started(Manager.Log, Id, ManagerLog.Suffix(this));
            EnterStop(null);
        }
    }

    /// <summary>ExecStop=, then the remaining processes get KillSignal=.</summary>
    private void EnterStop(string? result)
    {
        RecordResult(result);
        CancelWatchdog();
        if (Settings.ExecStop.Count == 0)
            CancelTimer();   // nothing to run: the stop timer would be replaced before this call returns
        else
            ArmTimer(Settings.TimeoutStopSec ?? DefaultTimeout);
        RunControl(Settings.ExecStop, ServiceState.Stop);
    }

    private void EnterStopPost(string? result)
    {
        RecordResult(result);
        if (Settings.ExecStopPost.Count == 0)
            CancelTimer();
        else
            ArmTimer(Settings.TimeoutStopSec ?? DefaultTimeout);
        RunControl(Settings.ExecStopPost, ServiceState.StopPost);
    }

    /// <summary>The control commands of the current state are done (or there were none): the state says what follows.</summary>
    private void OnControlCommandsDone()
    {
        switch (_state)
        {
            case ServiceState.Condition:
                EnterStartPre();
                break;
            case ServiceState.StartPre:
                EnterStart();
                break;
            case ServiceState.StartPost:
                EnterRunning();
                break;
            case ServiceState.Reload:
                OnReloadCommandsDone();
                break;
            case ServiceState.Stop:
                EnterSignal(ServiceState.StopSigterm, null);
                break;
            case ServiceState.StopPost:
                EnterSignal(ServiceState.FinalSigterm, null);
                break;
        }
    }

    /// <summary>Sends the state's signal to what is left (per KillMode=) and moves on once nothing is.</summary>
    private void EnterSignal(ServiceState state, string? result)
    {
        RecordResult(result);
        _controlCommands = null;
        bool sigkill = state is ServiceState.StopSigkill or ServiceState.FinalSigkill;
        var mode = Settings.KillMode;
        int signal = sigkill ? Signals.SIGKILL : _idleStopSignal ?? Settings.KillSignal;
        if (mode != KillMode.None)
        {
            bool groupWide = mode == KillMode.ControlGroup || (mode == KillMode.Mixed && sigkill);
            SignalProcesses(signal, groupWide);
            // SendSIGHUP=: right after the stop signal, so that shells and the like learn their terminal is gone.
            if (!sigkill && Settings.SendSIGHUP)
                SignalProcesses(Signals.SIGHUP, groupWide);
        }
        Thaw();   // a service held for an idle check hears its stop signal now

        if (!AnythingLeft())
        {
            AfterSignal(state);
            return;
        }
        SetState(state);
        ArmTimer(Settings.TimeoutStopSec ?? DefaultTimeout);
        PollGroupWhileOnlyStragglers();
    }

    private void SignalProcesses(int signal, bool groupWide)
    {
        if (groupWide && _cgroup is not null)
            _cgroup.Kill(signal);   // the main and control processes are in it, and whatever left their groups
        else if (_main is not null)
            _ = groupWide ? _main.SignalGroup(signal) : _main.Signal(signal);
        if (_control is not null)
            _ = groupWide ? _control.SignalGroup(signal) : _control.Signal(signal);
        if (groupWide && _main is null && ExecMainPid > 0 && GroupAlive(ExecMainPid))
            Manager.Launcher.SignalGroup(ExecMainPid, signal);
    }

    /// <summary>The current state's timeout passed: TimeoutStartSec=, RuntimeMaxSec= or TimeoutStopSec=, by state.</summary>
    private void OnTimeout()
    {
        _timer = null;
        switch (_state)
        {
            case ServiceState.Condition or ServiceState.StartPre or ServiceState.Start:
                ManagerLog.UnitError(Manager.Log, Id, "start operation timed out. Terminating.");
                EnterSignal(ServiceState.StopSigterm, UnitResult.Timeout);
                break;
            case ServiceState.StartPost:
                ManagerLog.UnitError(Manager.Log, Id, "start-post operation timed out. Stopping.");
                EnterStop(UnitResult.Timeout);
                break;
            case ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify:
                OnReloadTimeout();
                break;
            case ServiceState.Running:
                ManagerLog.UnitWarning(Manager.Log, Id, "Service reached runtime time limit. Stopping.");
                EnterStop(UnitResult.Timeout);
                break;
            case ServiceState.Stop:
                ManagerLog.UnitWarning(Manager.Log, Id, "Stopping timed out. Terminating.");
                EnterSignal(ServiceState.StopSigterm, UnitResult.Timeout);
                break;
            case ServiceState.StopPost:
                ManagerLog.UnitWarning(Manager.Log, Id, "State 'stop-post' timed out. Terminating.");
                EnterSignal(ServiceState.FinalSigterm, UnitResult.Timeout);
                break;
            case ServiceState.StopSigterm or ServiceState.StopSigkill or ServiceState.FinalSigterm or ServiceState.FinalSigkill:
                OnSignalTimeout(_state);
                break;
        }
    }

    private void OnSignalTimeout(ServiceState state)
    {
        bool sigterm = state is ServiceState.StopSigterm or ServiceState.FinalSigterm;
        if (sigterm && Settings.SendSIGKILL)
        {
            ManagerLog.UnitWarning(Manager.Log, Id, $"State '{state.Name()}' timed out. Killing.");
            // One line per process about to get SIGKILL, as systemd logs for every process of the unit's cgroup.
            foreach (int pid in ProcessesToKill())
                ManagerLog.Killing(Manager.Log, Id, pid, Manager.Launcher.NameOf(pid));
            EnterSignal(state == ServiceState.StopSigterm ? ServiceState.StopSigkill : ServiceState.FinalSigkill, UnitResult.Timeout);
            return;
        }
        ManagerLog.UnitWarning(Manager.Log, Id, sigterm ? $"State '{state.Name()}' timed out. Skipping SIGKILL." : "Processes still around after SIGKILL. Ignoring.");
        AfterSignal(state);
    }

    private void AfterSignal(ServiceState state)
    {
        if (state is ServiceState.StopSigterm or ServiceState.StopSigkill)
            EnterStopPost(null);
        else
            EnterDead();
    }

    private void EnterDead()
    {
        _idleStopSignal = null;
        _frozen = false;
        CancelTimer();
        CancelWatchdog();
        ReleaseConnection();
        RemoveCredentialFiles();
        ReleaseCgroup();
        ReleaseUsers();
        bool skipped = Result == UnitResult.ExecCondition;
        bool success = Result == UnitResult.Success || skipped;
        bool startFailed = _startJobPending && !success;
        bool startSkipped = _startJobPending && skipped;
        _startJobPending = false;
        bool autoRestart = !skipped && !_stopRequested && !_startAfterStop && ExitRules.ShouldRestart(Settings, Result, ExecMainStatus);
        // The private /tmp goes too: a fresh one for the next start, as systemd's exec runtime.
        RemoveDirectories(restarting: autoRestart || _startAfterStop || RestartRequested, privateTmp: true);
        RestartRequested = false;
        if (autoRestart)
        {
            if (!success)
                ManagerLog.FailedWithResult(Manager.Log, Id, Result);
            if (startFailed)
                ManagerLog.FailedToStart(Manager.Log, Id, ManagerLog.Suffix(this));
            Manager.OnUnitGoingToAutoRestart(this, success ? UnitActiveState.Inactive : UnitActiveState.Failed);
            SetState(ServiceState.AutoRestart);
            ScheduleRestart();
            return;
        }

        _fdStore.Clear();
        SetState(success ? ServiceState.Dead : ServiceState.Failed);
        if (skipped)
        {
            ManagerLog.SkippedDueTo(Manager.Log, Id, Result);
            if (startSkipped)
                ManagerLog.ConditionSkipped(Manager.Log, Id, ManagerLog.Suffix(this));
        }
        else if (success)
            ManagerLog.DeactivatedSuccessfully(Manager.Log, Id);
        else
            ManagerLog.FailedWithResult(Manager.Log, Id, Result);
        if (startFailed)
            ManagerLog.FailedToStart(Manager.Log, Id, ManagerLog.Suffix(this));
        if (_stopRequested)
            ManagerLog.Stopped(Manager.Log, Id, ManagerLog.Suffix(this));
        _stopRequested = false;
        // Collect first: NotifySocketOfEnd clears IsConnectionInstance, which is what marks an instance collectable.
        Manager.OnUnitFinished(this);
        NotifySocketOfEnd(startLimitHit: false);

        if (_startAfterStop)
        {
            _startAfterStop = false;
            Start();
        }
    }

    private void OnRestartDue()
    {
        _restartTimer = null;
        if (_state != ServiceState.AutoRestart)
            return;
        NRestarts++;
        _backoffStep++;
        ManagerLog.ScheduledRestart(Manager.Log, Id, NRestarts);
        SetState(ServiceState.Dead, settled: false);
        _restarting = true;
        Start();
        _restarting = false;
    }

    private void RecordResult(string? result)
    {
        if (result is not null && Result == UnitResult.Success)
            Result = result;
    }

    private void NotifySocketOfEnd(bool startLimitHit)
    {
        if (!IsConnectionInstance)
        {
            // Accept=no: every socket whose fds this service had (or would have had) goes back to listening.
            var sockets = _passedSockets.Count > 0 ? _passedSockets : Manager.SocketsTriggering(this).ToList();
            if (TriggeringSocket is { } trigger && !sockets.Contains(trigger))
                sockets.Add(trigger);
            _passedSockets = NoSockets;
            foreach (var socket in sockets)
                socket.OnServiceFinished(this, startLimitHit);
        }
        else if (TriggeringSocket is { } socket)
            socket.OnServiceFinished(this, startLimitHit);
        if (!IsConnectionInstance)
            TriggeringSocket = null;
        else
            IsConnectionInstance = false;
    }

    private void SetState(ServiceState state, bool settled = true)
    {
        if (state != _state)
        {
            _credentialWait = 0;
            _directories = null;   // a command of the new state has its directories made again
        }
        var from = ActiveState;
        bool reloadEnded = _state.IsReloading() && !state.IsReloading();
        if (state is ServiceState.Dead or ServiceState.Failed or ServiceState.AutoRestart)
            StopWatchingBusName();
        _state = state;
        TrackHealth(from, ActiveState);
        if (reloadEnded)
            SettleReload();
        OnStateChanged(from, ActiveState, settled);
    }

    /// <summary>Starts the current state's timeout (<see cref="OnTimeout"/>); zero or infinity means none runs.</summary>
    private void ArmTimer(TimeSpan timeout)
    {
        _timer?.Dispose();
        _timer = timeout > TimeSpan.Zero && timeout != TimeSpan.MaxValue ? Manager.Loop.Schedule(timeout, OnTimeout) : null;
        _timeoutApplies = true;
    }

    private void CancelTimer()
    {
        _timer?.Dispose();
        _timer = null;
        _timeoutApplies = false;
    }

    private bool AnythingLeft() => _main is not null || _control is not null || (_cgroup is not null
        ? Settings.KillMode is KillMode.ControlGroup or KillMode.Mixed && _cgroup.Populated()
        : Settings.KillMode != KillMode.None && ExecMainPid > 0 && GroupAlive(ExecMainPid));

    /// <summary>Processes that left the main process's group have no exit handle we watch; poll the group while only they remain.</summary>
    private void PollGroupWhileOnlyStragglers()
    {
        if (_main is not null || _control is not null || _cgroup is not null)
            return;   // a cgroup says itself when it is empty (OnCgroupEvents)
        var state = _state;
        Manager.Loop.Schedule(TimeSpan.FromMilliseconds(50), () =>
        {
            if (_state != state || _main is not null || _control is not null)
                return;
            Manager.OnProcessReaped();   // a killed straggler re-parented to us counts as alive until reaped
            if (ExecMainPid > 0 && GroupAlive(ExecMainPid))
                PollGroupWhileOnlyStragglers();
            else
                OnProcessesGone();
        });
    }

    /// <summary>Called whenever a watched process ended: a signal state advances once nothing is left.</summary>
    private void OnProcessesGone()
    {
        if (_state is ServiceState.StopSigterm or ServiceState.StopSigkill or ServiceState.FinalSigterm or ServiceState.FinalSigkill)
        {
            if (!AnythingLeft())
                AfterSignal(_state);
            else
                PollGroupWhileOnlyStragglers();
        }
    }

    /// <summary>The main and control processes and, unless KillMode=process, the rest of their process groups.</summary>
    private List<int> ProcessesToKill()
    {
        var pids = new List<int>();
        if (_main is not null)
            pids.Add(_main.Pid);
        if (_control is not null)
            pids.Add(_control.Pid);
        if (Settings.KillMode is KillMode.ControlGroup or KillMode.Mixed && _cgroup is not null)
        {
            foreach (int pid in _cgroup.Pids())
                if (!pids.Contains(pid))
                    pids.Add(pid);
        }
        else if (Settings.KillMode is KillMode.ControlGroup or KillMode.Mixed)
        {
            foreach (int group in (int[])[ExecMainPid, ControlPid])
                if (group > 0)
                    foreach (int pid in Manager.Launcher.GroupMembers(group))
                        if (!pids.Contains(pid))
                            pids.Add(pid);
        }
        return pids;
    }

    /// <summary>
    /// kill(-pgid, 0), once per stop: a group found empty stays empty for us. No process can join a group that no
    /// longer exists, and a later group with the same id (the pid reused) is a stranger's, never ours to signal.
    /// </summary>
    private bool GroupAlive(int pgid)
    {
        if (pgid == _goneGroup)
            return false;
        if (Manager.Launcher.GroupAlive(pgid))
            return true;
        _goneGroup = pgid;
        return false;
    }

    private void ReleaseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
