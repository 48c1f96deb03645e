using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Install;
using Summon.Journal;
using Summon.Manager.Credentials;
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
        ConnectionLook = new ConnectionLook(loop);
        Log = log;
        Journal = journal;
        Metrics = new Metrics.ManagerMetrics(loop.Time.GetUtcNow());
        Launcher = launcher;
        UserMode = options.UserMode;
        _registry = new UnitRegistry(options, log);
        _notify = new NotifyRouter(loop, _registry, log);
        ExecBuilder = new ServiceExecBuilder(loop, journal, log, launcher, options.UserMode, resolveCredentials)
        {
            Directories = new Directories.ServiceDirectories(UnitRegistry.Specifiers(options)),
            MountDirectories = new Sandbox.MountDirectories(options.RuntimeDirectory, options.StateDirectory),
            Sandbox = new Sandbox.SandboxPolicy(options.Sandbox, options.SandboxMode, options.UserMode),
        };
        _registry.DefinitionLoaded = d =>
        {
            if (d.Service is { } service)
                ExecBuilder.Credentials.Prefetch(service.Exec);
        };
        Installer = new UnitInstaller(options.UnitPath, UnitRegistry.Specifiers(options));
        Credentials = new CredentialStore(options.CredentialsRoot,
            CredentialStore.SearchPath(Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY")), mount: ProcessIdentity.EffectiveUid == 0);
        UnitDirectories = new Directories.DirectoryStore(loop, ExecBuilder.Directories, ExecBuilder.MountDirectories);
        DynamicUsers = new DynamicUsers.DynamicUserStore(new DynamicUsers.DynamicUserTable(new DynamicUsers.DynamicUidAllocator(options.DynamicUidDirectory)),
            ExecBuilder.Directories, canSwitchUsers: !options.UserMode && ProcessIdentity.EffectiveUid == 0);
        Jobs = new JobEngine(this, _registry, options.UnitPath, log);
        // A unit with a job queued or running is the engine's: the reactions leave it alone, as systemd's queues.
        Reactions = new DependencyReactions(this, log) { HasJob = unit => unit.HasJob || Jobs.Installed(unit) is not null };
    }

    /// <summary>The queued jobs and the transactions that queue them.</summary>
    internal JobEngine Jobs { get; }

    /// <summary>What happens when a unit changes state without a job asking for it (BindsTo=, OnFailure=, …).</summary>
    internal DependencyReactions Reactions { get; }

    public UnitInstaller Installer { get; }

    internal EventLoop Loop { get; }

    /// <summary>True for a user manager (systemd --user): the session bus, the user's directories.</summary>
    internal bool UserMode { get; }

    internal ILogger Log { get; }

    /// <summary>The journal the units' output and the manager's lines go to (status asks it what it lost).</summary>
    internal JournalWriter Journal { get; }

    internal IProcessLauncher Launcher { get; }

    internal ServiceExecBuilder ExecBuilder { get; }

    /// <summary>The idle stop's connection count, off the loop; the Core tests hold it to show the loop goes on.</summary>
    internal ConnectionLook ConnectionLook { get; set; }

    /// <summary>Where Condition*=/Assert*= read the system (issue 13); the Core tests put fake facts here.</summary>
    internal Summon.Posix.IConditionFacts ConditionFacts
    {
        get => _conditionFacts;
        set
        {
            _conditionFacts = value;
            ConditionEvaluator = new Summon.Units.Conditions.ConditionEvaluator(value);
        }
    }

    private Summon.Posix.IConditionFacts _conditionFacts = SystemConditionFacts.Instance;

    internal Summon.Units.Conditions.ConditionEvaluator ConditionEvaluator { get; private set; } = new(SystemConditionFacts.Instance);
    /// <summary>DynamicUser= and RemoveIPC=: the users realized per start and the uids in use.</summary>
    internal DynamicUsers.DynamicUserStore DynamicUsers { get; }
    /// <summary>The credentials directories of the services (credentials part).</summary>
    internal CredentialStore Credentials { get; }
    /// <summary>The service directories and private /tmp of the units' commands, made and removed off the loop.</summary>
    internal Directories.DirectoryStore UnitDirectories { get; }

    /// <summary>Activation and spawn latencies, the loop's lag: what /metrics shows beyond the units' own counters.</summary>
    internal Metrics.ManagerMetrics Metrics { get; }

    /// <summary>True once the boot job (default.target's start) has ended, whatever its result: /readyz waits for it.</summary>
    internal bool BootEnded { get; private set; }
    /// <summary>The manager's cgroup2 subtree, where services get a cgroup each; null: process groups stand in (Core tests, no writable cgroup2).</summary>
    internal ControlGroups.CgroupTree? Cgroups { get; set; }

    internal DateTimeOffset Now => Loop.Time.GetUtcNow();

    public IEnumerable<UnitRuntime> Units => _registry.Units;

    /// <summary><see cref="Units"/> without an allocated enumerator.</summary>
    internal Dictionary<string, UnitRuntime>.ValueCollection UnitValues => _registry.UnitValues;

    /// <summary>True when the manager reaps orphans (PID 1 or child subreaper): set by the daemon host.</summary>
    public bool ReapsOrphans { get; set; }

    /// <summary>The unit's runtime object, loading its definition on first use; null when the name is invalid.</summary>
    public UnitRuntime? GetOrLoad(string name) => _registry.GetOrLoad(this, name);

    /// <summary>Loads (once, until daemon-reload) and returns the definition of <paramref name="name"/>.</summary>
    public LoadedUnit LoadDefinition(UnitName name) => _registry.LoadDefinition(name);

    // ---- jobs ----------------------------------------------------------------------------------------------

    /// <summary>
    /// start as a job: a transaction for the unit and what it pulls in (<see cref="JobEngine"/>); completes when the
    /// unit is active (or the start failed), like `systemctl start` waits. <paramref name="manual"/> is a client's
    /// request, which RefuseManualStart= refuses.
    /// </summary>
    public Task<JobResult> StartJob(string name, JobMode mode = JobMode.Replace, bool manual = false)
    {
        var unit = GetOrLoad(name);
        if (unit is null || unit.Definition.LoadState != LoadState.Loaded)
            return Task.FromResult(LoadFailure(name, unit));
        return Jobs.Enqueue(JobType.Start, unit, mode, manual);
    }

    /// <summary>stop as a job: completes when the unit (and what requires it) is inactive or failed.</summary>
    public Task<JobResult> StopJob(string name, JobMode mode = JobMode.Replace, bool manual = false)
    {
        if (!_registry.TryGet(name, out var unit))
            return Task.FromResult(Stop(name));
        return Jobs.Enqueue(JobType.Stop, unit, mode, manual);
    }

    /// <summary>restart: stop, then start once stopped (a unit that is not running is started).</summary>
    public Task<JobResult> RestartJob(string name, JobMode mode = JobMode.Replace, bool manual = false)
    {
        var unit = GetOrLoad(name);
        if (unit is null || unit.Definition.LoadState != LoadState.Loaded)
            return Task.FromResult(LoadFailure(name, unit));
        // RuntimeDirectoryPreserve=restart keeps the runtime directories over a restart the service is told of.
        if (unit is ServiceUnit service && service.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed))
            service.RestartRequested = true;
        return Jobs.Enqueue(JobType.Restart, unit, mode, manual);
    }

    /// <summary>`isolate UNIT`: start it and stop every unit it does not pull in (AllowIsolate=, IgnoreOnIsolate=).</summary>
    public Task<JobResult> IsolateJob(string name)
    {
        var unit = GetOrLoad(name);
        if (unit is null || unit.Definition.LoadState != LoadState.Loaded)
            return Task.FromResult(LoadFailure(name, unit));
        return Jobs.Enqueue(JobType.Start, unit, JobMode.Isolate, manual: true);
    }

    /// <summary>`reload UNIT` as a job: completes when the reload is over (ExecReload= done, or a Type=notify-reload
    /// service ready again), like `systemctl reload` waits.</summary>
    public Task<JobResult> ReloadJob(string name)
    {
        if (GetOrLoad(name) is not ServiceUnit { ActiveState: UnitActiveState.Active } service)
            return Task.FromResult(JobResult.Failed(name, JobFailure.NotActive));
        if (service.Reload() is { } failure)
            return Task.FromResult(JobResult.Failed(service.Id, failure));
        PropagateReload(service.Id, new HashSet<string>(StringComparer.Ordinal) { service.Id });
        return service.WaitForReload();
    }

    /// <summary>PropagatesReloadTo= (and ReloadPropagatedFrom= of the others): their active services reload too.</summary>
    private void PropagateReload(string name, HashSet<string> done)
    {
        foreach (var other in Jobs.Graph.Of(name, DependencyKind.PropagatesReloadTo))
        {
            if (!done.Add(other) || !_registry.TryGet(other, out var unit) || unit is not ServiceUnit { ActiveState: UnitActiveState.Active } service)
                continue;
            if (service.Reload() is null)
                PropagateReload(other, done);
        }
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

    /// <summary>
    /// daemon-reload: forget all definitions and re-read them; running units keep their fds and processes, a socket
    /// the listeners whose lines did not change. A unit whose file is gone or masked is stopped as a stop job would
    /// (forgotten once stopped); one whose new file does not load runs on with its old definition until it stops, and
    /// is forgotten then (at once if it was not running), so that its next start sees why it does not load.
    /// </summary>
    public void Reload()
    {
        ManagerLog.Reloading(Log);
        var unloaded = _registry.Reload();
        Jobs.OnReload();
        Reactions.OnReload(_registry.Units);
        foreach (var (unit, definition) in unloaded)
            OnDefinitionGone(unit, definition);
        HeapTrim.AfterBulkLoad();
        StartupPages.Release();
    }

    private void OnDefinitionGone(UnitRuntime unit, LoadedUnit definition)
    {
        bool running = unit.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed) || Jobs.Installed(unit) is not null;
        if (!running)
        {
            ForgetUnloaded(unit);
            return;
        }
        if (definition.LoadState is not (LoadState.NotFound or LoadState.Masked))
            ManagerLog.KeepsOldDefinition(Log, unit.Id, definition.LoadState.ToText());
        else
        {
            ManagerLog.StoppingRemoved(Log, unit.Id, definition.LoadState == LoadState.Masked ? "masked" : "gone");
            _ = Jobs.Enqueue(JobType.Stop, unit, JobMode.Replace, manual: false);
        }
        // Once stopped, its old definition must not start again.
        unit.WatchStop(() => Loop.Post(() => ForgetUnloaded(unit)));
    }

    /// <summary>Forgets a stopped unit whose definition no longer loads, unless something started it again meanwhile.</summary>
    private void ForgetUnloaded(UnitRuntime unit)
    {
        if (unit.ActiveState is not (UnitActiveState.Inactive or UnitActiveState.Failed) || Jobs.Installed(unit) is not null)
            return;
        if (_registry.Loaded(unit.Id) is { LoadState: LoadState.Loaded })
            return;   // a later reload found it again
        if (_registry.Forget(unit))
            Reactions.OnForgotten(unit);
    }

    /// <summary>
    /// Takes back what a crashed predecessor left in the state file at <paramref name="path"/> (<see cref="Adoption"/>),
    /// then keeps that file current for a successor. Call once, before <see cref="StartEnabledUnits"/>, and only once
    /// this manager is the only one (it holds the control socket).
    /// </summary>
    public void TakeOver(string path, bool adopt = true)
    {
        // After a re-exec the units were restored from its state: the file is only kept current from here on.
        if (adopt)
            new Adoption(this, Log).Run(path);
        var writer = new StateFileWriter(path, message => Loop.Post(() => ManagerLog.UnitWarning(Log, "summon", message)));
        _stateFile = new StateRecorder(this, _registry.Units, writer);
        _stateFile.Start();
    }

    /// <summary>After a clean stop: the state file goes, there is nothing left to take over.</summary>
    public void StopRecordingState() => _stateFile?.Stop();

    /// <summary>Boot: one start job for default.target (<see cref="BootSequence"/>).</summary>
    public void StartEnabledUnits(Action? booted = null)
    {
        var boot = new BootSequence(this, _registry, Log).Start();
        HeapTrim.AfterBulkLoad();
        // Start-up's code is behind the manager once the boot job has ended, whatever its result.
        boot.ContinueWith(_ => Loop.Post(() =>
        {
            BootEnded = true;
            StartupPages.Release();
            booted?.Invoke();
        }), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Set by the daemon host: the listening sockets its parent passed (LISTEN_FDS), taken by the socket units at boot; or null.</summary>
    public InheritedSockets? Inherited { get; set; }

    /// <summary>
    /// Stops every unit with stop jobs, in the reverse of the start order (a service ordered After= another stops
    /// first); calls <paramref name="done"/> on the loop once no process and no job is left.
    /// </summary>
    public void Shutdown(Action done)
    {
        ShuttingDown = true;
        Jobs.StopAll();
        WaitForServices(done);
    }

    private void WaitForServices(Action done)
    {
        if (_registry.Units.OfType<ServiceUnit>().All(s => s.MainPid == 0) && !Jobs.Queued.Any())
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

    /// <summary>True when <paramref name="pid"/> is the main or control process of a service, or one of the manager's own helpers.</summary>
    public bool IsTrackedPid(int pid) => HelperPids.Contains(pid) || _registry.ServiceOf(pid, includeGroups: false) is not null;

    /// <summary>Children the manager runs for itself (a re-exec's check), reaped through their pidfds, not as orphans.</summary>
    internal HashSet<int> HelperPids { get; } = [];

    /// <summary>A unit changed state (or main pid): the state file is due for a rewrite, unless only a connection instance changed.</summary>
    internal void OnUnitStateChanged(UnitRuntime unit)
    {
        if (unit is not ServiceUnit { IsConnectionInstance: true })
        {
            _stateFile?.MarkStale();
            Jobs.OnUnitStateChanged();
        }
    }

    /// <summary>A settled change of a unit's generic state: the state file and the dependency reactions hear of it.</summary>
    internal void OnUnitStateChanged(UnitRuntime unit, UnitActiveState from, UnitActiveState to, bool settled)
    {
        if (unit is ServiceUnit service)
            NoteActivation(service, to);
        OnUnitStateChanged(unit);
        if (settled)
        {
            Reactions.OnStateChanged(unit, from, to);
            if (ExitWith is { } exitWith && !ShuttingDown)
                exitWith.Observe(this, unit, from, to);
        }
    }

    /// <summary>A socket's service reaching active ends its activation (the latency histogram); a service up again has
    /// recovered from an expired watchdog (/livez).</summary>
    private void NoteActivation(ServiceUnit service, UnitActiveState to)
    {
        if (to != UnitActiveState.Active && to != UnitActiveState.Activating)
            service.ActivationRequestedAt = 0;
        if (to != UnitActiveState.Active)
            return;
        service.WatchdogExpiredAt = null;
        if (service.ActivationRequestedAt != 0)
        {
            Metrics.Activation.Observe(Loop.Time.GetElapsedTime(service.ActivationRequestedAt));
            service.ActivationRequestedAt = 0;
        }
    }

    /// <summary>Set by the daemon host: <c>--exit-with UNIT</c>, or null.</summary>
    public ExitWith? ExitWith { get; set; }

    /// <summary>Set by the daemon host: the console copy's counters (<c>--log-target=console|both</c>), or null.</summary>
    public Journal.ConsoleLogStats? ConsoleLogStats { get; set; }

    /// <summary>True once <see cref="Shutdown"/> began: every unit is on its way down.</summary>
    public bool ShuttingDown { get; private set; }

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

    internal ServiceUnit RestoreInstance(UnitName name, LoadedUnit template, string? description) =>
        _registry.RestoreInstance(this, name, template, description);

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
