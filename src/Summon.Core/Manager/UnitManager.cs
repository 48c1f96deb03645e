using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Install;
using Summon.Journal;
using Summon.Manager.Exec;
using Summon.Manager.Jobs;
using Summon.Manager.Takeover;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The runtime's front door: the jobs (start, stop, restart, reload, kill, reset-failed) that move units, and the
/// parts they run on — the <see cref="UnitRegistry"/> of units, the <see cref="BootSequence"/>, the
/// <see cref="NotifyRouter"/>, the <see cref="ServiceExecBuilder"/> and the <see cref="IProcessLauncher"/> processes
/// start through. Everything here runs on <see cref="Loop"/>'s thread.
/// </summary>
internal sealed class UnitManager
{
    private readonly UnitRegistry _registry;
    private readonly NotifyRouter _notify;
    private StateRecorder? _stateFile;

    public UnitManager(ManagerOptions options, EventLoop loop, JournalWriter journal, ILogger log)
        : this(options, loop, journal, log, SystemProcessLauncher.Instance)
    {
    }

    /// <param name="resolveCredentials">The User=/Group= lookup, run off the loop; NSS unless a test says
    /// (<see cref="CredentialCache"/>).</param>
    internal UnitManager(ManagerOptions options, EventLoop loop, JournalWriter journal, ILogger log, IProcessLauncher launcher,
        Func<string?, string?, string[], ExecCredentials>? resolveCredentials = null)
    {
        Loop = loop;
        Log = log;
        Journal = journal;
        Launcher = launcher;
        _registry = new UnitRegistry(options, log);
        _notify = new NotifyRouter(loop, _registry, log);
        ExecBuilder = new ServiceExecBuilder(loop, journal, log, launcher, options.UserMode, resolveCredentials);
        _registry.DefinitionLoaded = d =>
        {
            if (d.Service is { } service)
                ExecBuilder.Credentials.Prefetch(service.Exec);
        };
        Installer = new UnitInstaller(options.UnitPath, UnitRegistry.Specifiers(options));
        Reactions = new DependencyReactions(this, log);
    }

    /// <summary>What happens when a unit changes state without a job asking for it (BindsTo=, OnFailure=, …).</summary>
    internal DependencyReactions Reactions { get; }

    public UnitInstaller Installer { get; }

    internal EventLoop Loop { get; }

    internal ILogger Log { get; }

    /// <summary>The journal the units' output and the manager's lines go to (status asks it what it lost).</summary>
    internal JournalWriter Journal { get; }

    internal IProcessLauncher Launcher { get; }

    internal ServiceExecBuilder ExecBuilder { get; }

    internal DateTimeOffset Now => Loop.Time.GetUtcNow();

    public IEnumerable<UnitRuntime> Units => _registry.Units;

    /// <summary>True when the manager reaps orphans (PID 1 or child subreaper): set by the daemon host.</summary>
    public bool ReapsOrphans { get; set; }

    /// <summary>The unit's runtime object, loading its definition on first use; null when the name is invalid.</summary>
    public UnitRuntime? GetOrLoad(string name) => _registry.GetOrLoad(this, name);

    /// <summary>Loads (once, until daemon-reload) and returns the definition of <paramref name="name"/>.</summary>
    public LoadedUnit LoadDefinition(UnitName name) => _registry.LoadDefinition(name);

    // ---- jobs ----------------------------------------------------------------------------------------------

    /// <summary>start as a job: completes when the unit is active (or the start failed), like `systemctl start` waits.</summary>
    public Task<JobResult> StartJob(string name)
    {
        var unit = GetOrLoad(name);
        if (unit is null || unit.Definition.LoadState != LoadState.Loaded)
            return Task.FromResult(LoadFailure(name, unit));
        if (unit.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
            return Task.FromResult(JobResult.Ok);
        var job = unit.BeginStartJob();
        bool started = unit.Start();
        if (!job.IsCompleted && !started)
            unit.SettleStartJob(JobResult.Failed(unit.Id, JobFailure.UnitFailed, unit.Result));
        else if (!job.IsCompleted && unit.ActiveState is UnitActiveState.Active)
            unit.SettleStartJob(JobResult.Ok);
        return job;
    }

    /// <summary>stop as a job: completes when the unit is inactive or failed.</summary>
    public Task<JobResult> StopJob(string name)
    {
        var immediate = Stop(name);
        if (!immediate.Success || !_registry.TryGet(name, out var unit))
            return Task.FromResult(immediate);
        return unit.WaitForStop();
    }

    /// <summary>restart: stop, then start once stopped.</summary>
    public Task<JobResult> RestartJob(string name)
    {
        if (!_registry.TryGet(name, out var unit))
            return StartJob(name);
        unit.Stop();
        return unit.WaitForStop().ContinueWith(_ => Loop.InvokeAsync(() => StartJob(name)).Unwrap(), TaskScheduler.Default).Unwrap();
    }

    /// <summary>`reload UNIT`: ExecReload= of a running service.</summary>
    public JobResult ReloadUnit(string name)
    {
        if (GetOrLoad(name) is not ServiceUnit { ActiveState: UnitActiveState.Active } service)
            return JobResult.Failed(name, JobFailure.NotActive);
        return service.Reload() is { } failure ? JobResult.Failed(service.Id, failure) : JobResult.Ok;
    }

    /// <summary>`kill UNIT [--signal=N] [--kill-whom=main|all]`.</summary>
    public JobResult Kill(string name, int signal, bool mainOnly)
    {
        if (_registry.TryGet(name, out var unit) && unit is ServiceUnit service && service.Kill(signal, mainOnly))
            return JobResult.Ok;
        return JobResult.Failed(name, JobFailure.NoProcesses);
    }

    public JobResult Stop(string name)
    {
        if (_registry.TryGet(name, out var unit))
        {
            unit.Stop();
            _registry.Collect(unit);
            return JobResult.Ok;
        }
        return UnitName.TryParse(name, out var unitName) && LoadDefinition(unitName).LoadState != LoadState.NotFound
            ? JobResult.Ok
            : JobResult.Failed(name, JobFailure.NotLoaded);
    }

    public void ResetFailed(string? name)
    {
        foreach (var unit in _registry.Units.ToList())
        {
            if (name is null || unit.Id == name)
            {
                unit.ResetFailed();
                _registry.Collect(unit);
            }
        }
    }

    /// <summary>daemon-reload: forget all definitions and re-read them; running units keep their fds and processes.</summary>
    public void Reload()
    {
        ManagerLog.Reloading(Log);
        _registry.Reload();
        Reactions.OnReload(_registry.Units);
        HeapTrim.AfterBulkLoad();
    }

    /// <summary>
    /// Takes back what a crashed predecessor left in the state file at <paramref name="path"/> (<see cref="Adoption"/>),
    /// then keeps that file current for a successor. Call once, before <see cref="StartEnabledUnits"/>, and only once
    /// this manager is the only one (it holds the control socket).
    /// </summary>
    public void TakeOver(string path)
    {
        new Adoption(this, Log).Run(path);
        var writer = new StateFileWriter(path, message => Loop.Post(() => ManagerLog.UnitWarning(Log, "summon", message)));
        _stateFile = new StateRecorder(this, _registry.Units, writer);
        _stateFile.Start();
    }

    /// <summary>After a clean stop: the state file goes, there is nothing left to take over.</summary>
    public void StopRecordingState() => _stateFile?.Stop();

    /// <summary>Starts what is enabled (<see cref="BootSequence"/>).</summary>
    public void StartEnabledUnits()
    {
        new BootSequence(this, _registry, Log).Start();
        HeapTrim.AfterBulkLoad();
    }

    /// <summary>Stops every unit; calls <paramref name="done"/> on the loop once no process is left.</summary>
    public void Shutdown(Action done)
    {
        foreach (var socket in _registry.Units.OfType<SocketUnit>().ToList())
            socket.Stop();
        foreach (var service in _registry.Units.OfType<ServiceUnit>().ToList())
            service.Stop();
        WaitForServices(done);
    }

    private void WaitForServices(Action done)
    {
        if (_registry.Units.OfType<ServiceUnit>().All(s => s.MainPid == 0))
            done();
        else
            Loop.Schedule(TimeSpan.FromMilliseconds(20), () => WaitForServices(done));
    }

    // ---- what units and the daemon host call -----------------------------------------------------------------

    /// <summary>Takes the sd_notify socket: NOTIFY_SOCKET for services, messages attributed by sender pid.</summary>
    public void AttachNotifySocket(NotifySocket socket)
    {
        _notify.Attach(socket);
        ExecBuilder.NotifySocketPath = socket.Path;
    }

    /// <summary>After reaping one of our children: as PID 1 or subreaper, also reap orphans left to us.</summary>
    internal void OnProcessReaped()
    {
        if (ReapsOrphans)
            Launcher.ReapOrphans(IsTrackedPid);
    }

    /// <summary>True when <paramref name="pid"/> is the main or control process of a service.</summary>
    public bool IsTrackedPid(int pid) => _registry.ServiceOf(pid, includeGroups: false) is not null;

    /// <summary>A unit changed state (or main pid): the state file is due for a rewrite, unless only a connection instance changed.</summary>
    internal void OnUnitStateChanged(UnitRuntime unit)
    {
        if (unit is not ServiceUnit { IsConnectionInstance: true })
            _stateFile?.MarkStale();
    }

    /// <summary>A settled change of a unit's generic state: the state file and the dependency reactions hear of it.</summary>
    internal void OnUnitStateChanged(UnitRuntime unit, UnitActiveState from, UnitActiveState to, bool settled)
    {
        OnUnitStateChanged(unit);
        if (settled)
            Reactions.OnStateChanged(unit, from, to);
    }

    /// <summary>A service goes down and will restart (Restart=): it passes through <paramref name="to"/> unseen.</summary>
    internal void OnUnitGoingToAutoRestart(ServiceUnit service, UnitActiveState to) =>
        Reactions.OnStateChanged(service, service.ActiveState, to, willAutoRestart: true);

    /// <summary>The unit's start was refused by its start limit: StartLimitAction= applies.</summary>
    internal void OnStartLimitHit(UnitRuntime unit) => Reactions.OnStartLimitHit(unit);

    internal void OnUnitFinished(ServiceUnit service) => Collect(service);

    /// <summary>The unit's runtime object if it is in use, by name or alias; loads nothing.</summary>
    internal UnitRuntime? Find(string name) => _registry.TryGet(name, out var unit) ? unit : null;

    /// <summary>
    /// Forgets what a unit that holds nothing remembers: a connection instance leaves the registry; a failed unit
    /// (CollectMode=inactive-or-failed) is reset as a freshly loaded one.
    /// </summary>
    internal void Collect(UnitRuntime unit)
    {
        if (unit.ActiveState == UnitActiveState.Failed && unit.Definition.Unit.CollectInactiveOrFailed)
            unit.ResetFailed();
        _registry.Collect(unit);
        if (!_registry.TryGet(unit.Id, out var kept) || !ReferenceEquals(kept, unit))
            Reactions.OnForgotten(unit);
    }

    /// <summary>
    /// Set by the daemon host: an emergency action (SuccessAction=exit, …) asks the manager to stop every unit and end
    /// with this exit status (null: 0); with force every unit's processes are killed first.
    /// </summary>
    public Action<int?, bool>? ExitRequested { get; set; }

    internal void RequestExit(int? exitStatus, bool force)
    {
        if (force)
        {
            foreach (var service in _registry.Units.OfType<ServiceUnit>().ToList())
                service.Kill(Summon.Posix.Signals.SIGKILL, mainOnly: false);
        }
        ExitRequested?.Invoke(exitStatus, force);
    }

    internal ServiceUnit CreateInstance(UnitName name, LoadedUnit template, SocketUnit socket, AcceptedConnection connection) =>
        _registry.CreateInstance(this, name, template, socket, connection);

    internal ServiceUnit? GetOrLoadService(UnitName name) => GetOrLoad(name.Name) as ServiceUnit is { } s && s.Definition.LoadState == LoadState.Loaded ? s : null;

    internal IEnumerable<SocketUnit> SocketsTriggering(ServiceUnit service) => _registry.SocketsTriggering(service);

    /// <summary>Why <paramref name="name"/> cannot be started: its name or its load state.</summary>
    private JobResult LoadFailure(string name, UnitRuntime? unit)
    {
        if (!UnitName.TryParse(name, out var unitName))
            return JobResult.Failed(name, JobFailure.InvalidName);
        if (unitName.IsTemplate)
            return JobResult.Failed(name, JobFailure.MissingInstance);
        var state = unit?.Definition.LoadState ?? LoadDefinition(unitName).LoadState;
        return JobResult.Failed(name, state switch
        {
            LoadState.NotFound => JobFailure.NotFound,
            LoadState.Masked => JobFailure.Masked,
            LoadState.Loaded => JobFailure.UnsupportedType,
            _ => JobFailure.BadSetting,
        });
    }
}
