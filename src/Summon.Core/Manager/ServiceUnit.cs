using System.Globalization;
using Summon.Interop;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A .service unit at run time: one main process spawned with the fds and stdio its unit asks for, watched through
/// its pidfd on the event loop, stopped with SIGTERM then SIGKILL after TimeoutStopSec=.
/// Accept=yes instances carry the accepted connection and report back to their socket when they end.
/// </summary>
public sealed class ServiceUnit : UnitRuntime
{
    private static readonly TimeSpan DefaultTimeoutStop = TimeSpan.FromSeconds(90);
    private ServiceState _state = ServiceState.Dead;
    private SpawnedProcess? _main;
    private ulong _pidfdToken;
    private IDisposable? _stopTimer;
    private bool _stopRequested;
    private AcceptedConnection? _connection;

    internal ServiceUnit(UnitManager manager, LoadedUnit definition, string? id = null, string? descriptionOverride = null) : base(manager, definition, id)
    {
        DescriptionOverride = descriptionOverride;
    }

    public ServiceState State => _state;

    public override UnitActiveState ActiveState => _state.ToActiveState();

    public override string SubState => _state.Name();

    public override string Description => DescriptionOverride ?? base.Description;

    internal string? DescriptionOverride { get; }

    public int MainPid => _main?.Pid ?? 0;

    public int ExecMainPid { get; private set; }

    public ExitStatus? ExecMainStatus { get; private set; }

    public DateTimeOffset? ExecMainStartTimestamp { get; private set; }

    public DateTimeOffset? ExecMainExitTimestamp { get; private set; }

    public string InvocationId { get; private set; } = "";

    /// <summary>The socket whose connection (Accept=yes) or readiness (Accept=no) started this service.</summary>
    internal SocketUnit? TriggeringSocket { get; set; }

    /// <summary>True for a per-connection instance: forgotten once it ends successfully.</summary>
    internal bool IsConnectionInstance { get; private set; }

    public override bool CanCollect => _state == ServiceState.Dead && _main is null;

    internal void AttachConnection(SocketUnit socket, AcceptedConnection connection)
    {
        TriggeringSocket = socket;
        _connection = connection;
        IsConnectionInstance = true;
    }

    public override string? Start()
    {
        if (_state is ServiceState.Running or ServiceState.Exited)
            return null;
        var settings = Definition.Service;
        if (settings is null || settings.ExecStart.Count == 0)
        {
            ReleaseConnection();
            Fail(UnitResult.Resources);
            return $"Job for {Id} failed.";
        }

        _stopRequested = false;
        Result = UnitResult.Success;
        InvocationId = Guid.NewGuid().ToString("N");
        var command = settings.ExecStart[0];
        var plan = StdioPlan.For(settings, _connection is not null || HasSocketFds());
        OutputCapture? outCapture = null, errCapture = null;
        SafeFdHandle? outWrite = null, errWrite = null;
        try
        {
            string identifier = Path.GetFileName(command.Argv.Count > 0 ? command.Argv[0] : command.Path);
            if (plan.Output == StdioTarget.Journal)
                (outCapture, outWrite) = OutputCapture.Create(Manager.Loop, Manager.Journal, Id, identifier, 6);
            if (plan.Error == StdioTarget.Journal)
                (errCapture, errWrite) = OutputCapture.Create(Manager.Loop, Manager.Journal, Id, identifier, 6);

            var passFds = new List<System.Runtime.InteropServices.SafeHandle>();
            var names = new List<string>();
            if (!plan.UsesSocketStdio)
            {
                if (_connection is not null)
                {
                    passFds.Add(_connection.Handle);
                    names.Add("connection");
                }
                else
                {
                    foreach (var socket in Manager.SocketsTriggering(this))
                        foreach (var (fd, name) in socket.PassedFds())
                        {
                            passFds.Add(fd);
                            names.Add(name);
                        }
                }
            }

            var environment = Manager.BuildEnvironment(this, settings, passFds.Count, names, _connection);
            var socketFd = _connection?.Handle;
            var request = new SpawnRequest
            {
                Path = Manager.ResolveExecutable(command.Path),
                Argv = command.Argv,
                Environment = environment,
                Stdin = plan.Input == StdioTarget.Socket ? socketFd : null,
                Stdout = plan.Output switch { StdioTarget.Socket => socketFd, StdioTarget.Journal => outWrite, StdioTarget.Inherit => Manager.InheritedStdout, _ => null },
                Stderr = plan.Error switch { StdioTarget.Socket => socketFd, StdioTarget.Journal => errWrite, StdioTarget.SameAsOutput => outWrite, StdioTarget.Inherit => Manager.InheritedStderr, _ => null },
                PassFds = passFds,
                SetListenPid = passFds.Count > 0,
                // SYSTEMD_EXEC_PID needs the exec helper (one more exec); per-connection instances on socket
                // stdio skip it so the inetd path costs exactly one posix_spawn.
                SetExecPid = passFds.Count > 0 || !IsConnectionInstance,
                WorkingDirectory = settings.WorkingDirectory,
            };
            _main = ProcessSpawner.Spawn(request);
        }
        catch (SpawnException e)
        {
            outCapture?.Dispose();
            errCapture?.Dispose();
            ReleaseConnection();
            ManagerLog.UnitError(Manager.Log, Id, $"Failed to execute {command.Path}: {Errno.Describe(e.Errno)}");
            ManagerLog.MainProcessExited(Manager.Log, Id, "code=exited, status=203/EXEC");
            ExecMainStatus = new ExitStatus(ExitCode.Exited, 203);
            Fail(UnitResult.ExitCode);
            ManagerLog.FailedToStart(Manager.Log, Id, ManagerLog.Suffix(this));
            return $"Job for {Id} failed because the control process exited with error code.";
        }
        finally
        {
            // The child holds its own copies now; the manager keeps none of the write ends or the connection.
            outWrite?.Dispose();
            errWrite?.Dispose();
        }

        ReleaseConnection();
        if (outCapture is not null)
            outCapture.Pid = _main.Pid;
        if (errCapture is not null)
            errCapture.Pid = _main.Pid;
        ExecMainPid = _main.Pid;
        ExecMainStartTimestamp = Manager.Now;
        ExecMainStatus = null;
        _pidfdToken = Manager.Loop.Register(_main.Pidfd, Libc.EPOLLIN, _ => OnMainExited());
        SetState(ServiceState.Running);
        ManagerLog.Started(Manager.Log, Id, ManagerLog.Suffix(this));
        return null;
    }

    public override void Stop()
    {
        if (_main is null)
        {
            ReleaseConnection();
            if (_state != ServiceState.Failed)
                SetState(ServiceState.Dead);
            return;
        }
        if (_stopRequested)
            return;
        _stopRequested = true;
        ManagerLog.Stopping(Manager.Log, Id, ManagerLog.Suffix(this));
        SetState(ServiceState.StopSigterm);
        _main.SignalGroup(15);
        var timeout = Definition.Service?.TimeoutStopSec ?? DefaultTimeoutStop;
        _stopTimer = Manager.Loop.Schedule(timeout, OnStopTimeout);
    }

    private void OnStopTimeout()
    {
        if (_main is null)
            return;
        ManagerLog.UnitWarning(Manager.Log, Id, "State 'stop-sigterm' timed out. Killing.");
        ManagerLog.Killing(Manager.Log, Id, _main.Pid, ProcessName(_main.Pid));
        SetState(ServiceState.StopSigkill);
        _main.SignalGroup(9);
    }

    private void OnMainExited()
    {
        if (_main is null || !_main.TryReap(out var status))
            return;
        Manager.Loop.Unregister(_pidfdToken);
        _pidfdToken = 0;
        _main.Dispose();
        _main = null;
        _stopTimer?.Dispose();
        _stopTimer = null;
        ExecMainStatus = status;
        ExecMainExitTimestamp = Manager.Now;

        bool clean = status.IsSuccess || (status.Code == ExitCode.Killed && status.Status is 1 or 2 or 13 or 15);
        if (_stopRequested && status.Code == ExitCode.Killed)
            clean = true;
        if (clean)
        {
            SetState(ServiceState.Dead);
            ManagerLog.DeactivatedSuccessfully(Manager.Log, Id);
            if (_stopRequested)
                ManagerLog.Stopped(Manager.Log, Id, ManagerLog.Suffix(this));
        }
        else
        {
            ManagerLog.MainProcessExited(Manager.Log, Id, status.ToString());
            Fail(status.Code switch { ExitCode.Exited => UnitResult.ExitCode, ExitCode.Dumped => UnitResult.CoreDump, _ => UnitResult.Signal });
        }
        _stopRequested = false;
        TriggeringSocket?.OnServiceFinished(this);
        Manager.OnUnitFinished(this);
    }

    private bool HasSocketFds() => Manager.SocketsTriggering(this).Any();

    private void ReleaseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    private void Fail(string result)
    {
        Result = result;
        SetState(ServiceState.Failed);
        ManagerLog.FailedWithResult(Manager.Log, Id, result);
        if (_main is null && IsConnectionInstance)
        {
            TriggeringSocket?.OnServiceFinished(this);
            IsConnectionInstance = false;
        }
    }

    public override void ResetFailed()
    {
        base.ResetFailed();
        if (_state == ServiceState.Failed)
            SetState(ServiceState.Dead);
    }

    private void SetState(ServiceState state)
    {
        var from = ActiveState;
        _state = state;
        OnStateChanged(from, ActiveState);
    }

    private static string ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
