using Summon.Control;
using Summon.Interop;
using Summon.Manager.Directories;
using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The socket's control commands (ExecStartPre/Post=, ExecStopPre/Post=) and the states they run in, as systemd's
/// socket.c: start-pre → bind → start-post → listening; a stop goes stop-pre → (kill) → close → stop-post → (kill) →
/// dead, or failed with the first failure's result. Each step is bounded by TimeoutSec=; nothing here waits on the loop.
/// </summary>
internal sealed partial class SocketUnit
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<ExecCommand, ExecRun> _runs = new(ReferenceEqualityComparer.Instance);
    private ServiceSection? _execSection;
    private List<ExecCommand>? _controlCommands;
    private int _nextControl;
    private Action? _afterControl;
    private ExecCommand? _controlCommand;
    private IChildProcess? _control;
    private ulong _controlToken;
    private IDisposable? _timer;
    private ulong _credentialWait;
    private ulong _credentialWaits;
    private string _invocationId = "";
    // The directories made for the next control command; null when none is made or waited for.
    private DirectoryJob? _directories;

    /// <summary>A start is under way: its end (listening, or dead/failed) settles it.</summary>
    private bool _startPending;

    /// <summary>A stop was asked for: its end logs "Closed …".</summary>
    private bool _stopRequested;

    /// <summary>A start asked for while a stop runs: it begins once the socket is dead.</summary>
    private bool _startAfterStop;

    /// <summary>The running control command's pid, 0 when none (ControlPID=).</summary>
    public int ControlPid => _control?.Pid ?? 0;

    /// <summary>The last run of <paramref name="command"/> in this start, or null if it has not run.</summary>
    internal ExecRun? RunOf(ExecCommand command) => _runs.GetValueOrDefault(command);

    private TimeSpan StepTimeout => Settings.Timeout ?? DefaultTimeout;

    /// <summary>The first step of a start: ExecStartPre=, then the bind.</summary>
    private void EnterStartPre()
    {
        Result = UnitResult.Success;
        _startPending = true;
        _stopRequested = false;
        _runs.Clear();
        _invocationId = InvocationIds.Next();
        RunControl(Settings.ExecStartPre, SocketState.StartPre, Bind);
    }

    private void EnterStartPost() => RunControl(Settings.ExecStartPost, SocketState.StartPost, OnStarted);

    private void OnStarted()
    {
        _startPending = false;
        EnterListening();
        ManagerLog.ListeningOn(Manager.Log, Id, ManagerLog.Suffix(this));
    }

    /// <summary>systemd's socket_enter_stop_pre: listening stops, ExecStopPre= runs while the fds are still open.</summary>
    private void EnterStopPre(string result)
    {
        RecordResult(result);
        Quiesce();
        RunControl(Settings.ExecStopPre, SocketState.StopPre, () => EnterSignal(SocketState.StopPreSigterm, UnitResult.Success));
    }

    /// <summary>The fds are closed, then ExecStopPost= runs.</summary>
    private void EnterStopPost(string result)
    {
        RecordResult(result);
        AbandonControl();
        CloseListeners();
        RunControl(Settings.ExecStopPost, SocketState.StopPost, () => EnterSignal(SocketState.FinalSigterm, UnitResult.Success));
    }

    /// <summary>
    /// Kills what is left of the control command (its process group) and waits for it under TimeoutSec=; with nothing
    /// left, moves on at once: to stop-post from the stop-pre kills, to dead from the final ones.
    /// </summary>
    private void EnterSignal(SocketState state, string result)
    {
        RecordResult(result);
        _controlCommands = null;
        _afterControl = null;
        _credentialWait = 0;
        _directories = null;
        if (_control is not null)
        {
            _control.SignalGroup(state is SocketState.StopPreSigkill or SocketState.FinalSigkill ? Signals.SIGKILL : Signals.SIGTERM);
            SetState(state);
            ArmTimer(StepTimeout);
            return;
        }
        if (state is SocketState.StopPreSigterm or SocketState.StopPreSigkill)
            EnterStopPost(UnitResult.Success);
        else
            EnterDead(UnitResult.Success);
    }

    private void EnterDead(string result)
    {
        RecordResult(result);
        CancelTimer();
        AbandonControl();
        CloseListeners();
        _directories = null;
        // The control commands' /tmp goes, fresh for the next start; their runtime directories stay, as before.
        Manager.UnitDirectories.Remove(Id, Settings.Exec, runtime: false, privateTmp: Settings.Exec.Mounts.EffectivePrivateTmp(dynamicUser: false));
        bool failed = Result != UnitResult.Success;
        bool starting = _startPending, stopping = _stopRequested;
        _startPending = false;
        _stopRequested = false;
        SetState(failed ? SocketState.Failed : SocketState.Dead);
        if (failed)
            ManagerLog.FailedWithResult(Manager.Log, Id, Result);
        else if (stopping)
            ManagerLog.DeactivatedSuccessfully(Manager.Log, Id);
        if (failed && starting)
            ManagerLog.FailedToListenOn(Manager.Log, Id, ManagerLog.Suffix(this));
        else if (stopping)
            ManagerLog.Closed(Manager.Log, Id, ManagerLog.Suffix(this));
        if (_startAfterStop)
        {
            _startAfterStop = false;
            Start();
        }
    }

    /// <summary>Only the first failure of a start or stop is the unit's result (systemd: "if (s->result == SOCKET_SUCCESS)").</summary>
    private void RecordResult(string result)
    {
        if (Result == UnitResult.Success && result != UnitResult.Success)
            Result = result;
    }

    /// <summary>
    /// Enters <paramref name="state"/> and runs <paramref name="commands"/> one after another under TimeoutSec=, then
    /// <paramref name="done"/>; with no commands, <paramref name="done"/> at once without entering the state.
    /// </summary>
    private void RunControl(List<ExecCommand> commands, SocketState state, Action done)
    {
        if (commands.Count == 0)
        {
            done();
            return;
        }
        _controlCommands = commands;
        _nextControl = 0;
        _afterControl = done;
        SetState(state);
        ArmTimer(StepTimeout);
        RunNextControl();
    }

    private void RunNextControl()
    {
        if (_controlCommands is not { } commands || _nextControl >= commands.Count)
        {
            var done = _afterControl;
            _controlCommands = null;
            _afterControl = null;
            CancelTimer();
            done?.Invoke();
            return;
        }
        var credentials = Manager.ExecBuilder.Credentials;
        if (!credentials.Answered(Settings.Exec))
        {
            // User= of the socket is looked up off the loop; the step's timer runs meanwhile.
            ulong token = ++_credentialWaits;
            _credentialWait = token;
            credentials.WhenAnswered(Settings.Exec, () =>
            {
                if (token != _credentialWait)
                    return;
                _credentialWait = 0;
                RunNextControl();
            });
            return;
        }
        if (AwaitDirectories())
            return;
        var command = commands[_nextControl++];
        _controlCommand = command;
        var run = new ExecRun { Started = Manager.Now };
        _runs[command] = run;
        try
        {
            _control = Spawn(command);
            run.Pid = _control.Pid;
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

    /// <summary>systemd's socket_sigchld_event: the next command, or the state's way on after a failure.</summary>
    private void OnControlFinished(ExitStatus status)
    {
        var command = _controlCommand;
        _controlCommand = null;
        if (command is not null && _runs.TryGetValue(command, out var run))
        {
            run.Exited = Manager.Now;
            run.Status = status;
        }
        bool ok = (command?.IgnoresFailure ?? false) || ExitRules.IsClean(status, null, mainProcess: false);
        if (!ok)
            ManagerLog.ControlProcessExited(Manager.Log, Id, status.ToString());
        if (ok && _controlCommands is not null)
        {
            RunNextControl();
            return;
        }
        string result = ok ? UnitResult.Success : ExitRules.Result(status);
        _controlCommands = null;
        _afterControl = null;
        CancelTimer();
        switch (_state)
        {
            case SocketState.StartPre:
                EnterSignal(SocketState.FinalSigterm, result);
                break;
            case SocketState.StartPost:
                EnterStopPre(result);
                break;
            case SocketState.StopPre or SocketState.StopPreSigterm or SocketState.StopPreSigkill:
                EnterStopPost(result);
                break;
            case SocketState.StopPost or SocketState.FinalSigterm or SocketState.FinalSigkill:
                EnterDead(result);
                break;
        }
    }

    /// <summary>TimeoutSec= of the socket passed in a control state (systemd's socket_dispatch_timer).</summary>
    private void OnTimeout()
    {
        _timer = null;
        switch (_state)
        {
            case SocketState.StartPre:
                ManagerLog.UnitWarning(Manager.Log, Id, "Starting timed out. Terminating.");
                EnterSignal(SocketState.FinalSigterm, UnitResult.Timeout);
                break;
            case SocketState.StartPost:
                ManagerLog.UnitWarning(Manager.Log, Id, "Starting timed out. Stopping.");
                EnterStopPre(UnitResult.Timeout);
                break;
            case SocketState.StopPre:
                ManagerLog.UnitWarning(Manager.Log, Id, "Stopping timed out. Terminating.");
                EnterSignal(SocketState.StopPreSigterm, UnitResult.Timeout);
                break;
            case SocketState.StopPreSigterm:
                ManagerLog.UnitWarning(Manager.Log, Id, "Stopping timed out. Killing.");
                EnterSignal(SocketState.StopPreSigkill, UnitResult.Timeout);
                break;
            case SocketState.StopPreSigkill:
                ManagerLog.UnitWarning(Manager.Log, Id, "Processes still around after SIGKILL. Ignoring.");
                EnterStopPost(UnitResult.Timeout);
                break;
            case SocketState.StopPost:
                ManagerLog.UnitWarning(Manager.Log, Id, "Stopping timed out (2). Terminating.");
                EnterSignal(SocketState.FinalSigterm, UnitResult.Timeout);
                break;
            case SocketState.FinalSigterm:
                ManagerLog.UnitWarning(Manager.Log, Id, "Stopping timed out (2). Killing.");
                EnterSignal(SocketState.FinalSigkill, UnitResult.Timeout);
                break;
            case SocketState.FinalSigkill:
                ManagerLog.UnitWarning(Manager.Log, Id, "Still around after SIGKILL (2). Entering failed mode.");
                EnterDead(UnitResult.Timeout);
                break;
        }
    }

    private void ArmTimer(TimeSpan timeout)
    {
        _timer?.Dispose();
        _timer = timeout > TimeSpan.Zero && timeout != TimeSpan.MaxValue ? Manager.Loop.Schedule(timeout, OnTimeout) : null;
    }

    private void CancelTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Forgets a control process that would not die (after SIGKILL's timeout): its exit is no longer ours.</summary>
    private void AbandonControl()
    {
        _credentialWait = 0;
        _directories = null;
        if (_control is null)
            return;
        Manager.Loop.Unregister(_controlToken);
        _control.Dispose();
        _control = null;
        _controlCommand = null;
    }

    /// <summary>Starts one control command with the socket's own exec settings (User=, Environment=, …).</summary>
    private IChildProcess Spawn(ExecCommand command)
    {
        if (_execSection is null || !ReferenceEquals(_execSection.Exec, Settings.Exec) || _execSection.SandboxFallback != Settings.SandboxFallback)
            _execSection = new ServiceSection { Exec = Settings.Exec, SandboxFallback = Settings.SandboxFallback };
        var inputs = new ExecInputs
        {
            UnitId = Id,
            Settings = _execSection,
            Command = command,
            IsMain = false,
            IsConnectionInstance = false,
            ListenFds = [],
            StoredFds = [],
            InvocationId = _invocationId,
            Directories = _directories,
        };
        _directories = null;   // each job serves one spawn
        using var plan = Manager.ExecBuilder.Build(in inputs);
        var process = Manager.ExecBuilder.Launch(plan);
        plan.Started(process.Pid);
        return process;
    }

    /// <summary>
    /// True when the next control command must wait for its directories and private /tmp, made off the loop
    /// (<see cref="DirectoryStore"/>); the step's timer runs meanwhile, and the command runs once they are done.
    /// </summary>
    private bool AwaitDirectories()
    {
        var job = _directories;
        if (job is null)
        {
            if (!Manager.UnitDirectories.Needed(Settings.Exec, dynamicUser: false, directoriesMade: false))
                return false;
            ExecCredentials ids;
            try
            {
                ids = Manager.ExecBuilder.Credentials.Resolve(Settings.Exec, Id);
            }
            catch (SpawnException)
            {
                return false;   // the spawn fails at step USER or GROUP, before its directories
            }
            job = Manager.UnitDirectories.Prepare(Id, Settings.Exec, ids, dynamicUser: false, directoriesMade: false, joins: null);
            _directories = job;
        }
        if (job.Done)
            return false;
        WaitForDirectories(job);
        return true;
    }

    private void WaitForDirectories(DirectoryJob job)
    {
        ulong token = ++_credentialWaits;
        _credentialWait = token;
        job.Task.ContinueWith(_ => Manager.Loop.Post(() =>
        {
            if (token != _credentialWait)
                return;
            _credentialWait = 0;
            RunNextControl();
        }), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void LogSpawnFailure(ExecCommand command, SpawnException e) =>
        SpawnFailureLog.Write(Manager.Log, Id, command, e, Manager.ExecBuilder.Directories);
}
