using System.Globalization;
using Microsoft.Extensions.Logging;
using Summon.Install;
using Summon.Interop;
using Summon.Journal;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The runtime: every unit the manager knows, their definitions, and the jobs (start, stop, restart, reload)
/// that move them. Everything here runs on <see cref="Loop"/>'s thread.
/// </summary>
public sealed partial class UnitManager
{
    private static readonly string[] ExecSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
    private readonly Dictionary<string, UnitRuntime> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedUnit> _definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _templateHasSpecifiers = new(StringComparer.Ordinal);
    private readonly string[] _baseEnvironment;
    private UnitLoader _loader;

    public UnitManager(ManagerOptions options, EventLoop loop, JournalWriter journal, ILogger log)
    {
        Options = options;
        Loop = loop;
        Journal = journal;
        Log = log;
        _loader = new UnitLoader(options.UnitPath, SpecifierContext.ForCurrentProcess(options.UserMode));
        _baseEnvironment = BaseEnvironment(options.UserMode);
        Installer = new UnitInstaller(options.UnitPath);
    }

    public ManagerOptions Options { get; }

    public UnitInstaller Installer { get; }

    internal EventLoop Loop { get; }

    internal JournalWriter Journal { get; }

    internal ILogger Log { get; }

    internal DateTimeOffset Now => Loop.Time.GetUtcNow();

    internal SafeFdHandle InheritedStdout { get; } = new(1, ownsHandle: false);

    internal SafeFdHandle InheritedStderr { get; } = new(2, ownsHandle: false);

    public IEnumerable<UnitRuntime> Units => _units.Values;

    /// <summary>The unit's runtime object, loading its definition on first use; null when the name is invalid.</summary>
    public UnitRuntime? GetOrLoad(string name)
    {
        if (_units.TryGetValue(name, out var unit))
            return unit;
        if (!UnitName.TryParse(name, out var unitName) || unitName.IsTemplate)
            return null;
        var definition = LoadDefinition(unitName);
        // An alias name stands for its target unit: one runtime, keyed by the canonical name.
        if (definition.Name != unitName)
        {
            if (_units.TryGetValue(definition.Name.Name, out var existing))
                return existing;
            name = definition.Name.Name;
        }
        UnitRuntime? created = unitName.Type switch
        {
            UnitType.Socket when definition.Socket is not null => new SocketUnit(this, definition),
            UnitType.Service when definition.Service is not null => new ServiceUnit(this, definition),
            _ => null,
        };
        if (created is null)
            return null;
        if (definition.LoadState == LoadState.Loaded)
            _units[name] = created;
        return created;
    }

    /// <summary>Loads (once, until daemon-reload) and returns the definition of <paramref name="name"/>.</summary>
    public LoadedUnit LoadDefinition(UnitName name)
    {
        if (_definitions.TryGetValue(name.Name, out var cached))
            return cached;
        var loaded = _loader.Load(name);
        foreach (var diagnostic in loaded.Diagnostics)
            ManagerLog.UnitWarning(Log, name.Name, diagnostic.ToString());
        _definitions[name.Name] = loaded;
        return loaded;
    }

    /// <summary>start as a job: completes when the unit is active (or the start failed), like `systemctl start` waits.</summary>
    public Task<JobResult> StartJob(string name)
    {
        var unit = GetOrLoad(name);
        if (unit is null || unit.Definition.LoadState != LoadState.Loaded)
            return Task.FromResult(LoadFailure("start", name, unit));
        if (unit.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
            return Task.FromResult(JobResult.Ok);
        var job = unit.BeginStartJob();
        string? error = unit.Start();
        if (!job.IsCompleted && error is not null)
            unit.SettleStartJob(JobResult.Failed(error, 1));
        else if (!job.IsCompleted && unit.ActiveState is UnitActiveState.Active)
            unit.SettleStartJob(JobResult.Ok);
        return job;
    }

    /// <summary>stop as a job: completes when the unit is inactive or failed.</summary>
    public Task<JobResult> StopJob(string name)
    {
        var immediate = Stop(name);
        if (!immediate.Success || !_units.TryGetValue(name, out var unit))
            return Task.FromResult(immediate);
        return unit.WaitForStop();
    }

    /// <summary>restart: stop, then start once stopped.</summary>
    public Task<JobResult> RestartJob(string name)
    {
        if (!_units.TryGetValue(name, out var unit))
            return StartJob(name);
        unit.Stop();
        return unit.WaitForStop().ContinueWith(_ => Loop.InvokeAsync(() => StartJob(name)).Unwrap(), TaskScheduler.Default).Unwrap();
    }

    /// <summary>`reload UNIT`: ExecReload= of a running service.</summary>
    public JobResult ReloadUnit(string name)
    {
        if (GetOrLoad(name) is not ServiceUnit { ActiveState: UnitActiveState.Active } service)
            return JobResult.Failed($"Failed to reload {name}: Unit {name} is not active.", 1);
        string? error = service.Reload();
        return error is null ? JobResult.Ok : JobResult.Failed(error, 1);
    }

    /// <summary>`kill UNIT [--signal=N] [--kill-whom=main|all]`.</summary>
    public JobResult Kill(string name, int signal, bool mainOnly)
    {
        if (!_units.TryGetValue(name, out var unit) || unit is not ServiceUnit service)
            return JobResult.Failed($"Failed to kill unit {name}: No main processes to kill", 1);
        return service.Kill(signal, mainOnly) ? JobResult.Ok : JobResult.Failed($"Failed to kill unit {name}: No main processes to kill", 1);
    }

    public JobResult Stop(string name)
    {
        if (_units.TryGetValue(name, out var unit))
        {
            unit.Stop();
            Collect(unit);
            return JobResult.Ok;
        }
        return UnitName.TryParse(name, out var unitName) && LoadDefinition(unitName).LoadState != LoadState.NotFound
            ? JobResult.Ok
            : JobResult.Failed($"Failed to stop {name}: Unit {name} not loaded.", 5);
    }

    public void ResetFailed(string? name)
    {
        foreach (var unit in _units.Values.ToList())
        {
            if (name is null || unit.Id == name)
            {
                unit.ResetFailed();
                Collect(unit);
            }
        }
    }

    /// <summary>daemon-reload: forget all definitions and re-read them; running units keep their fds and processes.</summary>
    public void Reload()
    {
        ManagerLog.Reloading(Log);
        _definitions.Clear();
        _templateHasSpecifiers.Clear();
        _loader = new UnitLoader(Options.UnitPath, SpecifierContext.ForCurrentProcess(Options.UserMode));
        foreach (var unit in _units.Values)
        {
            if (unit is ServiceUnit { IsConnectionInstance: true })
                continue;
            var definition = LoadDefinition(unit.Definition.Name);
            if (definition.LoadState == LoadState.Loaded && (definition.Socket is not null) == (unit is SocketUnit))
                unit.Definition = definition;
        }
        HeapTrim.AfterBulkLoad();
    }

    /// <summary>The targets whose .wants/ the manager starts at boot, in this order.</summary>
    private static readonly string[] BootTargets = ["sockets.target", "basic.target", "multi-user.target", "default.target"];

    /// <summary>
    /// Starts what is enabled: the units linked in sockets.target.wants/, multi-user.target.wants/ and
    /// default.target.wants/ of every unit directory, with what they Require=/Want=, ordered by After=/Before=.
    /// A unit waits only for the units it is ordered after; a broken unit never stops the others.
    /// </summary>
    public void StartEnabledUnits()
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, int depth)
        {
            if (depth > 32 || name.EndsWith(".target", StringComparison.Ordinal) || !seen.Add(name))
                return;
            if (!UnitName.TryParse(name, out var parsed) || parsed.IsTemplate)
                return;
            var definition = LoadDefinition(parsed);
            foreach (var dep in definition.Unit.Requires.Concat(definition.Unit.Wants))
                Add(dep, depth + 1);
            names.Add(name);
        }
        foreach (var target in BootTargets)
            foreach (var name in Installer.WantedBy(target))
                Add(name, 0);

        var ordered = StartupOrder.Sort(names, n => Definition(n)?.Unit.After ?? [], n => Definition(n)?.Unit.Before ?? []);
        var jobs = new Dictionary<string, Task<JobResult>>(StringComparer.Ordinal);
        StartInOrder(ordered, 0, jobs);
        HeapTrim.AfterBulkLoad();
    }

    private LoadedUnit? Definition(string name) => _definitions.GetValueOrDefault(name);

    private void StartInOrder(List<string> ordered, int next, Dictionary<string, Task<JobResult>> jobs)
    {
        for (int i = next; i < ordered.Count; i++)
        {
            string name = ordered[i];
            var definition = Definition(name);
            var orderedAfter = (definition?.Unit.After ?? []).Concat(ordered.Where(o => Definition(o)?.Unit.Before.Contains(name) == true))
                .Where(jobs.ContainsKey).Select(n => jobs[n]).Where(t => !t.IsCompleted).ToList();
            if (orderedAfter.Count > 0)
            {
                int resume = i;
                Task.WhenAll(orderedAfter).ContinueWith(_ => Loop.Post(() => StartInOrder(ordered, resume, jobs)), TaskScheduler.Default);
                return;
            }

            var failedRequirement = (definition?.Unit.Requires ?? []).FirstOrDefault(r => jobs.TryGetValue(r, out var t) && t.IsCompleted && !t.Result.Success);
            if (failedRequirement is not null)
            {
                ManagerLog.DependencyFailed(Log, name, definition is null ? "" : (definition.Description == name ? "" : " - " + definition.Description));
                jobs[name] = Task.FromResult(JobResult.Failed("dependency", 1));
                continue;
            }

            try
            {
                jobs[name] = StartJob(name);
                var job = jobs[name];
                if (job.IsCompleted && !job.Result.Success && job.Result.Error is { } error && !error.StartsWith("Job for", StringComparison.Ordinal))
                    ManagerLog.UnitError(Log, name, error);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException or ArgumentException)
            {
                ManagerLog.UnitError(Log, name, "Failed to start: " + e.Message);
                jobs[name] = Task.FromResult(JobResult.Failed(e.Message, 1));
            }
        }
    }

    /// <summary>Stops every unit; calls <paramref name="done"/> on the loop once no process is left.</summary>
    public void Shutdown(Action done)
    {
        foreach (var socket in _units.Values.OfType<SocketUnit>().ToList())
            socket.Stop();
        foreach (var service in _units.Values.OfType<ServiceUnit>().ToList())
            service.Stop();
        WaitForServices(done);
    }

    private void WaitForServices(Action done)
    {
        if (_units.Values.OfType<ServiceUnit>().All(s => s.MainPid == 0))
            done();
        else
            Loop.Schedule(TimeSpan.FromMilliseconds(20), () => WaitForServices(done));
    }

    internal ServiceUnit CreateInstance(UnitName name, LoadedUnit template, SocketUnit socket, AcceptedConnection connection)
    {
        var definition = TemplateHasSpecifiers(template) ? _loader.Load(name) : template;
        var service = new ServiceUnit(this, definition, name.Name, $"{definition.Description} ({connection.PeerPretty})");
        service.AttachConnection(socket, connection);
        _units[name.Name] = service;
        return service;
    }

    internal ServiceUnit? GetOrLoadService(UnitName name) => GetOrLoad(name.Name) as ServiceUnit is { } s && s.Definition.LoadState == LoadState.Loaded ? s : null;

    /// <summary>The started Accept=no sockets whose listening fds belong to <paramref name="service"/>.</summary>
    /// <summary>
    /// The started Accept=no sockets whose listening fds go to <paramref name="service"/>: those naming it (Service=
    /// or by name) and those in its Sockets=, in Sockets= order first, then by name.
    /// </summary>
    internal IEnumerable<SocketUnit> SocketsTriggering(ServiceUnit service)
    {
        var listed = service.Definition.Service?.Sockets ?? [];
        var sockets = new List<SocketUnit>();
        foreach (var unit in _units.Values)
        {
            if (unit is SocketUnit { Settings.Accept: false } socket && socket.Listeners.Count > 0
                && (socket.TriggeredName.Name == service.Id || listed.Contains(socket.Id)))
                sockets.Add(socket);
        }
        return sockets.OrderBy(s => listed.IndexOf(s.Id) is int i && i >= 0 ? i : int.MaxValue).ThenBy(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>After reaping one of our children: as PID 1 or subreaper, also reap orphans left to us.</summary>
    internal void OnProcessReaped()
    {
        if (ReapsOrphans)
            Processes.OrphanReaper.ReapOrphans(IsTrackedPid);
    }

    /// <summary>True when the manager reaps orphans (PID 1 or child subreaper): set by the daemon host.</summary>
    public bool ReapsOrphans { get; set; }

    public bool IsTrackedPid(int pid)
    {
        foreach (var unit in _units.Values)
            if (unit is ServiceUnit service && (service.MainPid == pid || service.ControlPid == pid))
                return true;
        return false;
    }

    /// <summary>Takes the sd_notify socket: NOTIFY_SOCKET for services, messages attributed by sender pid.</summary>
    public void AttachNotifySocket(NotifySocket socket)
    {
        _notify = socket;
        Loop.Register(socket.Handle, Libc.EPOLLIN, _ => OnNotifyReadable());
    }

    private NotifySocket? _notify;

    private void OnNotifyReadable()
    {
        for (int i = 0; i < 64; i++)
        {
            var message = _notify!.TryReceive(out string? rejection);
            if (message is null)
                return;
            if (rejection is not null)
            {
                ManagerLog.UnitWarning(Log, "summon", rejection);
                continue;
            }
            var service = FindServiceByPid(message.Pid);
            if (service is null)
            {
                foreach (var fd in message.Fds)
                    fd.Dispose();
                continue;   // systemd: "Cannot find unit for notify message of PID …" at debug level
            }
            service.OnNotify(message);
        }
    }

    private ServiceUnit? FindServiceByPid(int pid)
    {
        foreach (var unit in _units.Values)
            if (unit is ServiceUnit service && (service.MainPid == pid || service.ControlPid == pid))
                return service;
        foreach (var unit in _units.Values)
            if (unit is ServiceUnit { IsConnectionInstance: false } service && service.Owns(pid))
                return service;
        return null;
    }

    internal void OnUnitFinished(ServiceUnit service) => Collect(service);

    private void Collect(UnitRuntime unit)
    {
        if (unit is ServiceUnit { IsConnectionInstance: true } && unit.CanCollect)
            _units.Remove(unit.Id);
    }

    private bool TemplateHasSpecifiers(LoadedUnit template)
    {
        if (template.FragmentPath is null)
            return false;
        if (!_templateHasSpecifiers.TryGetValue(template.Name.Name, out bool has))
        {
            has = template.DropInPaths.Prepend(template.FragmentPath).Any(p => File.Exists(p) && File.ReadAllText(p).Contains('%'));
            _templateHasSpecifiers[template.Name.Name] = has;
        }
        return has;
    }

    internal string ResolveExecutable(string path)
    {
        if (path.StartsWith('/'))
            return path;
        foreach (var dir in ExecSearchPath)
        {
            string candidate = Path.Combine(dir, path);
            if (File.Exists(candidate))
                return candidate;
        }
        return path;
    }

    /// <param name="userEnvironment">HOME/USER/LOGNAME/SHELL of User=: over the manager's, under Environment=.</param>
    internal List<string> BuildEnvironment(ServiceUnit unit, ServiceSection settings, int listenFds, List<string> fdNames, AcceptedConnection? connection, IReadOnlyList<string>? userEnvironment = null)
    {
        var env = new List<string>(_baseEnvironment.Length + settings.Environment.Count + 10);
        env.AddRange(_baseEnvironment);
        foreach (var assignment in userEnvironment ?? [])
            ExecEnvironment.Set(env, assignment);
        env.Add("INVOCATION_ID=" + unit.InvocationId);
        if (listenFds > 0)
        {
            env.Add("LISTEN_FDS=" + listenFds.ToString(CultureInfo.InvariantCulture));
            env.Add("LISTEN_FDNAMES=" + string.Join(':', fdNames));
        }
        if (connection?.RemoteAddress is { } remote)
        {
            env.Add("REMOTE_ADDR=" + remote);
            env.Add("REMOTE_PORT=" + connection.RemotePort!.Value.ToString(CultureInfo.InvariantCulture));
        }
        if (_notify is not null && unit.WantsNotifySocket)
            env.Add("NOTIFY_SOCKET=" + _notify.Path);
        if (settings.WatchdogSec is { } watchdog && watchdog > TimeSpan.Zero)
            env.Add("WATCHDOG_USEC=" + ((long)watchdog.TotalMicroseconds).ToString(CultureInfo.InvariantCulture));
        var exec = settings.Exec;
        foreach (var name in exec.PassEnvironment)
            if (Environment.GetEnvironmentVariable(name) is { } value)
                ExecEnvironment.Set(env, name + "=" + value);
        foreach (var assignment in settings.Environment)
            ExecEnvironment.Set(env, assignment);
        foreach (var file in exec.EnvironmentFiles)
        {
            bool optional = file.StartsWith('-');
            string path = optional ? file[1..] : file;
            try
            {
                foreach (var assignment in ExecEnvironment.ParseFile(File.ReadAllText(path)))
                    ExecEnvironment.Set(env, assignment);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!optional)
                    ManagerLog.UnitWarning(Log, unit.Id, $"Failed to load environment files: {e.Message}");
            }
        }
        foreach (var name in exec.UnsetEnvironment)
            ExecEnvironment.Unset(env, name);
        return env;
    }

    private static string[] BaseEnvironment(bool userMode)
    {
        var env = new List<string>();
        if (userMode)
        {
            env.Add("PATH=" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"));
            foreach (var name in (string[])["HOME", "USER", "LOGNAME", "SHELL", "XDG_RUNTIME_DIR", "LANG", "LC_ALL"])
                if (Environment.GetEnvironmentVariable(name) is { } value)
                    env.Add(name + "=" + value);
            env.Add("MANAGERPID=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            env.Add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            if (Environment.GetEnvironmentVariable("LANG") is { } lang)
                env.Add("LANG=" + lang);
        }
        return [.. env];
    }

    private JobResult LoadFailure(string verb, string name, UnitRuntime? unit)
    {
        if (!UnitName.TryParse(name, out var unitName))
            return JobResult.Failed($"Invalid unit name \"{name}\" escaped as \"{name}\".", 1);
        if (unitName.IsTemplate)
            return JobResult.Failed($"Failed to {verb} {name}: Unit name {name} is missing the instance name.", 1);
        var state = unit?.Definition.LoadState ?? LoadDefinition(unitName).LoadState;
        return state switch
        {
            LoadState.NotFound => JobResult.Failed($"Failed to {verb} {name}: Unit {name} not found.", 5),
            LoadState.Masked => JobResult.Failed($"Failed to {verb} {name}: Unit {name} is masked.", 1),
            LoadState.Loaded => JobResult.Failed($"Failed to {verb} {name}: Unit type not supported.", 1),
            _ => JobResult.Failed($"Failed to {verb} {name}: Unit {name} has a bad unit file setting.\nSee system logs and 'summon status {name}' for details.", 1),
        };
    }
}
