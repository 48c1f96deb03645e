using Summon.Interop;
using Summon.Manager.Reexec;
using Summon.Manager.Takeover;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A service across a re-exec (docs/reexec.md, "Units"): written on the loop just before execve, taken back in the new
/// manager before its boot. Its processes are still our children (same pid), so they are adopted with their exit
/// status known and the state machine goes on from the very state it was in; nothing is started or stopped.
/// </summary>
internal sealed partial class ServiceUnit
{
    /// <summary>The control command lists by setting, so that a carried control process is known by what it runs.</summary>
    private IEnumerable<(string Setting, List<ExecCommand> Commands)> ControlCommandLists()
    {
        yield return ("ExecCondition", Settings.ExecCondition);
        yield return ("ExecStartPre", Settings.ExecStartPre);
        yield return ("ExecStartPost", Settings.ExecStartPost);
        yield return ("ExecReload", Settings.ExecReload);
        yield return ("ExecStop", Settings.ExecStop);
        yield return ("ExecStopPost", Settings.ExecStopPost);
    }

    /// <summary>What the control commands of <paramref name="state"/> are (<see cref="RunControl"/>'s list for it).</summary>
    private List<ExecCommand>? ControlListOf(ServiceState state) => state switch
    {
        ServiceState.Condition => Settings.ExecCondition,
        ServiceState.StartPre => Settings.ExecStartPre,
        ServiceState.StartPost => Settings.ExecStartPost,
        ServiceState.Reload => Settings.ExecReload,
        ServiceState.Stop => Settings.ExecStop,
        ServiceState.StopPost => Settings.ExecStopPost,
        _ => null,
    };

    internal ServiceReexecRecord ToReexecRecord(CarriedFds fds)
    {
        var time = Manager.Loop.Time;
        string? controlSetting = null;
        int controlIndex = -1;
        if (_controlCommand is { } command)
            foreach (var (setting, list) in ControlCommandLists())
            {
                int i = list.IndexOf(command);
                if (i >= 0)
                {
                    (controlSetting, controlIndex) = (setting, i);
                    break;
                }
            }
        var window = _startLimit.Window;
        return new ServiceReexecRecord
        {
            Unit = ToUnitRecord(),
            State = _state.Name(),
            Main = _main is { } main ? new ProcessRecord(main.Pid, Manager.Launcher.StartTimeOf(main.Pid)) : null,
            Control = _control is { } control ? new ProcessRecord(control.Pid, Manager.Launcher.StartTimeOf(control.Pid)) : null,
            MainCommand = _mainCommand is { } mainCommand ? Settings.ExecStart.IndexOf(mainCommand) : -1,
            MainCommands = _mainCommands is not null,
            NextMain = _nextMain,
            ControlCommands = _controlCommands is not null,
            NextControl = _nextControl,
            ControlCommandSetting = controlSetting,
            ControlCommandIndex = controlIndex,
            AwaitingCredentials = _credentialWait != 0,
            ExecMainPid = ExecMainPid,
            ExecMainStatus = ExecMainStatus,
            ExecMainStart = ExecMainStartTimestamp,
            ExecMainExit = ExecMainExitTimestamp,
            InvocationId = InvocationId,
            NRestarts = NRestarts,
            BackoffStep = _backoffStep,
            StartLimitRecoveries = StartLimitRecoveries,
            StartLimit = new RateLimitRecord(LoopClock.ToMicroseconds(time, window.WindowStart), window.Count),
            StatusText = StatusText,
            StatusErrno = StatusErrno,
            TimeoutDue = LoopClock.DueOf(time, _timer),
            TimeoutApplies = _timeoutApplies,
            RestartDue = LoopClock.DueOf(time, _restartTimer),
            NextRestartAt = NextRestartAt,
            WatchdogDue = LoopClock.DueOf(time, _watchdogTimer),
            WatchdogOverride = _watchdogOverride,
            WatchdogExpiredAt = WatchdogExpiredAt,
            HealthyDue = LoopClock.DueOf(time, _healthyTimer),
            RecoverDue = LoopClock.DueOf(time, _recoverTimer),
            StartLimitRecoverAt = StartLimitRecoverAt,
            StopRequested = _stopRequested,
            StartAfterStop = _startAfterStop,
            StartJobPending = _startJobPending,
            MainKnown = _mainKnown,
            RestartRequested = RestartRequested,
            NotifyReloading = _notifyReloading,
            ReloadResult = _reloadResult,
            IdleStopSignal = _idleStopSignal,
            Frozen = _frozen,
            CgroupWarned = _cgroupWarned,
            Cgroup = _cgroup?.Directory,
            FdStore = [.. _fdStore.Entries.Select(e => new StoredFdReexecRecord(fds.Carry(e.Fd), e.Name))],
            PassedSockets = [.. _passedSockets.Select(s => s.Id)],
            PassedListenFds = PassedListenFds,
            TriggeringSocket = TriggeringSocket?.Id,
            ConnectionInstance = IsConnectionInstance,
            ConnectionSource = ConnectionSource,
            DescriptionOverride = DescriptionOverride,
            Connection = _connection is { } connection ? ConnectionReexecRecord.Of(connection, fds) : null,
        };
    }

    /// <summary>
    /// Takes the service back from <paramref name="record"/> in the new manager: <paramref name="main"/> and
    /// <paramref name="control"/> are its processes adopted again (null when the record has none, or when one is gone:
    /// then its exit is what the state machine hears next). Sets the state without a transition: no job, reaction or
    /// log line follows from a re-exec.
    /// </summary>
    internal void RestoreAfterReexec(ServiceReexecRecord record, IChildProcess? main, IChildProcess? control, CarriedFds fds, Func<string, SocketUnit?> socketNamed)
    {
        var time = Manager.Loop.Time;
        RestoreUnitRecord(record.Unit);
        _state = Enum.GetValues<ServiceState>().First(s => s.Name() == record.State);
        InvocationId = record.InvocationId;
        ExecMainPid = record.ExecMainPid;
        ExecMainStatus = record.ExecMainStatus;
        ExecMainStartTimestamp = record.ExecMainStart;
        ExecMainExitTimestamp = record.ExecMainExit;
        NRestarts = record.NRestarts;
        _backoffStep = record.BackoffStep;
        if (record.StartLimitRecoveries > 0)
            StartLimitRecoveries = record.StartLimitRecoveries;
        _startLimit.Restore(LoopClock.FromMicroseconds(time, record.StartLimit.WindowStart), record.StartLimit.Count);
        StatusText = record.StatusText;
        StatusErrno = record.StatusErrno;
        _stopRequested = record.StopRequested;
        _startAfterStop = record.StartAfterStop;
        _startJobPending = record.StartJobPending;
        RestartRequested = record.RestartRequested;
        _notifyReloading = record.NotifyReloading;
        _reloadResult = record.ReloadResult;
        _idleStopSignal = record.IdleStopSignal;
        _cgroupWarned = record.CgroupWarned;
        WatchdogExpiredAt = record.WatchdogExpiredAt;
        NextRestartAt = record.NextRestartAt;
        StartLimitRecoverAt = record.StartLimitRecoverAt;
        _watchdogOverride = record.WatchdogOverride;

        _mainCommand = record.MainCommand >= 0 && record.MainCommand < Settings.ExecStart.Count ? Settings.ExecStart[record.MainCommand] : null;
        _mainCommands = record.MainCommands ? Settings.ExecStart : null;
        _nextMain = record.NextMain;
        _controlCommands = record.ControlCommands ? ControlListOf(_state) : null;
        _nextControl = record.NextControl;
        _controlCommand = ControlCommandLists().FirstOrDefault(l => l.Setting == record.ControlCommandSetting).Commands is { } list
            && record.ControlCommandIndex >= 0 && record.ControlCommandIndex < list.Count ? list[record.ControlCommandIndex] : null;

        foreach (var stored in record.FdStore)
            _fdStore.Add([fds.Claim(stored.Fd)], stored.Name, uint.MaxValue);   // kept as they were: the limit applied when they came
        var passed = record.PassedSockets.Select(socketNamed).OfType<SocketUnit>().ToList();
        _passedSockets = passed.Count == 0 ? NoSockets : passed;
        PassedListenFds = record.PassedListenFds.Count == 0 ? NoPassedFds : record.PassedListenFds;
        TriggeringSocket = record.TriggeringSocket is { } trigger ? socketNamed(trigger) : null;
        if (record.ConnectionInstance)
            IsConnectionInstance = true;
        ConnectionSource = record.ConnectionSource;
        if (record.Connection is { } connection)
            _connection = connection.Claim(fds);

        if (record.Cgroup is not null && Manager.Cgroups is not null)
            ReopenCgroup();
        if (main is not null)
        {
            _main = main;
            _mainKnown = record.MainKnown;
            _mainToken = Manager.Loop.Register(main.ExitHandle, Libc.EPOLLIN, _ => OnMainExited());
        }
        else
            _mainKnown = record.MainKnown;
        if (control is not null)
        {
            _control = control;
            _controlToken = Manager.Loop.Register(control.ExitHandle, Libc.EPOLLIN, _ => OnControlExited());
        }

        _timeoutApplies = record.TimeoutApplies;
        if (record.TimeoutDue is { } timeout)
            _timer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, timeout), OnTimeout);
        if (record.RestartDue is { } restart)
            _restartTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, restart), OnRestartDue);
        if (record.WatchdogDue is { } watchdog)
            _watchdogTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, watchdog), OnWatchdogTimeout);
        if (record.HealthyDue is { } healthy)
            _healthyTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, healthy), OnHealthy);
        if (record.RecoverDue is { } recover)
            _recoverTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, recover), OnStartLimitRecoverDue);

        if (record.Frozen)
        {
            _frozen = true;
            Thaw();   // the idle look that held it ended with the old manager; its socket watches anew
        }
        // Our children cannot vanish unreaped; one that did anyway (reaped by someone else) counts as ended, status unknown.
        if (record.Main is { } lostMain && main is null)
        {
            ManagerLog.UnitWarning(Manager.Log, Id, $"Main process {lostMain.Pid} was not found after the re-exec, its exit status is unknown.");
            Manager.Loop.Post(() => OnMainFinished(lostMain.Pid, clean: true, null));
        }
        if (record.Control is { } lostControl && control is null)
        {
            ManagerLog.UnitWarning(Manager.Log, Id, $"Control process {lostControl.Pid} was not found after the re-exec, its exit status is unknown.");
            Manager.Loop.Post(() => OnControlFinished(new ExitStatus(ExitCode.Exited, 0)));
        }
        if (record.AwaitingCredentials)
            Manager.Loop.Post(ResumeAfterReexec);
        // Type=dbus: the watch on BusName= was a connection of the old image; the new one asks the bus again.
        if (Settings.Type == ServiceType.Dbus && _main is not null && (_state is ServiceState.Start or ServiceState.StartPost or ServiceState.Running || _state.IsReloading()))
            Manager.Loop.Post(() => WatchBusName());
        Manager.OnUnitStateChanged(this);
    }

    /// <summary>The FDNAME= of each fd in the store, in order.</summary>
    internal IEnumerable<string> StoredFdNames => _fdStore.Entries.Select(e => e.Name);

    /// <summary>The sockets whose listeners the main process holds (Accept=no).</summary>
    internal IEnumerable<string> PassedSocketIds => _passedSockets.Select(s => s.Id);

    /// <summary>A command that waited for the User=/Group= lookup when the old manager re-executed: it asks again.</summary>
    private void ResumeAfterReexec()
    {
        ulong token = ++_credentialWaits;
        _credentialWait = token;
        OnCredentialsAnswered(token);
    }

    /// <summary>An Accept=yes instance re-made by a re-exec: attached to its socket, with no connection of its own left to hand over.</summary>
    internal void AttachRestoredInstance(SocketUnit socket)
    {
        TriggeringSocket = socket;
        IsConnectionInstance = true;
    }

    /// <summary>The cgroup the service ran in: opened again by its path (its limits written again, which changes nothing).</summary>
    private void ReopenCgroup()
    {
        var command = _mainCommand ?? _controlCommand ?? Settings.ExecStart.FirstOrDefault() ?? Settings.ExecStop.FirstOrDefault();
        if (command is null)
            return;
        try
        {
            EnterCgroup(command);
        }
        catch (SpawnException e)
        {
            ManagerLog.UnitWarning(Manager.Log, Id, $"Its control group could not be opened again after the re-exec ({Errno.Describe(e.Errno)}): its processes are tracked by process group.");
        }
    }
}
