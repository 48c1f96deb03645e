using Microsoft.Extensions.Logging;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Every unit the manager knows: the loaded definitions (read once until daemon-reload) and the runtime object of
/// each unit in use, keyed by canonical name; per-connection instances join when accepted and leave when done.
/// </summary>
internal sealed class UnitRegistry
{
    private readonly Dictionary<string, UnitRuntime> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedUnit> _definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _templateHasSpecifiers = new(StringComparer.Ordinal);
    private readonly ManagerOptions _options;
    private readonly ILogger _log;
    private UnitLoader _loader;

    public UnitRegistry(ManagerOptions options, ILogger log)
    {
        _options = options;
        _log = log;
        _loader = NewLoader();
    }

    public IEnumerable<UnitRuntime> Units => _units.Values;

    /// <summary>The same, enumerated without allocating (the metrics page walks it on every scrape).</summary>
    public Dictionary<string, UnitRuntime>.ValueCollection UnitValues => _units.Values;

    public bool TryGet(string name, out UnitRuntime unit) => _units.TryGetValue(name, out unit!);

    /// <summary>The unit's runtime object, loading its definition on first use; null when the name is invalid.</summary>
    public UnitRuntime? GetOrLoad(UnitManager manager, string name)
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
            UnitType.Socket when definition.Socket is not null => new SocketUnit(manager, definition),
            UnitType.Service when definition.Service is not null => new ServiceUnit(manager, definition),
            UnitType.Target => new TargetUnit(manager, definition),
            _ => null,
        };
        if (created is null)
            return null;
        if (definition.LoadState == LoadState.Loaded)
            _units[name] = created;
        return created;
    }

    /// <summary>Called with every definition loaded (at first use and at daemon-reload), before any start of it.</summary>
    public Action<LoadedUnit>? DefinitionLoaded { get; set; }

    /// <summary>Loads (once, until daemon-reload) and returns the definition of <paramref name="name"/>. With
    /// <paramref name="quietWithoutRuntimeDirectory"/> a unit that cannot load for want of a runtime directory (%t
    /// in a user manager without $XDG_RUNTIME_DIR) logs nothing: the boot sequence says it once for all of them.</summary>
    public LoadedUnit LoadDefinition(UnitName name, bool quietWithoutRuntimeDirectory = false)
    {
        if (_definitions.TryGetValue(name.Name, out var cached))
            return cached;
        var loaded = _loader.Load(name);
        if (loaded.LoadState == LoadState.NotFound && BuiltInTarget(name) is { } builtIn)
            loaded = builtIn;
        Generation++;
        bool quiet = quietWithoutRuntimeDirectory && loaded.NeedsRuntimeDirectory && loaded.LoadState != LoadState.Loaded;
        foreach (var diagnostic in quiet ? [] : loaded.Diagnostics)
            ManagerLog.UnitFileProblem(_log, name.Name, diagnostic);
        _definitions[name.Name] = loaded;
        DefinitionLoaded?.Invoke(loaded);
        return loaded;
    }

    /// <summary>Counts definitions loaded and reloads: the job engine's dependency graph is rebuilt when it moves.</summary>
    public int Generation { get; private set; }

    /// <summary>Every definition loaded so far (reverse dependencies come from these, as systemd's come from its loaded units).</summary>
    public IEnumerable<LoadedUnit> Definitions => _definitions.Values;

    public bool UserMode => _options.UserMode;

    /// <summary>A special target without a file: systemd's own definition; default.target is multi-user.target's alias.</summary>
    private LoadedUnit? BuiltInTarget(UnitName name)
    {
        if (name.Name == "default.target" && !_options.UserMode && UnitName.TryParse(BuiltInTargets.SystemDefault, out var system))
            return LoadDefinition(system);
        return BuiltInTargets.Definition(name, _options.UserMode);
    }

    /// <summary>The definition already loaded for <paramref name="name"/>, if any.</summary>
    public LoadedUnit? Loaded(string name) => _definitions.GetValueOrDefault(name);

    /// <summary>
    /// daemon-reload: forgets every definition and re-reads those of the units in use. A unit whose new definition
    /// loads takes it (a socket moves its listeners, <see cref="SocketUnit.Reload"/>); the others keep theirs and are
    /// returned with the new one (not found, masked, or refused at load), for the manager to stop or forget.
    /// </summary>
    public List<(UnitRuntime Unit, LoadedUnit Definition)> Reload()
    {
        _definitions.Clear();
        Generation++;
        _templateHasSpecifiers.Clear();
        _loader = NewLoader();
        var unloaded = new List<(UnitRuntime, LoadedUnit)>();
        foreach (var unit in _units.Values.ToList())
        {
            if (unit is ServiceUnit { IsConnectionInstance: true })
                continue;
            var definition = LoadDefinition(unit.Definition.Name);
            if (definition.LoadState != LoadState.Loaded || (definition.Socket is not null) != (unit is SocketUnit))
                unloaded.Add((unit, definition));
            else if (unit is SocketUnit socket)
                socket.Reload(definition);
            else
                unit.Definition = definition;
        }
        return unloaded;
    }

    /// <summary>Forgets <paramref name="unit"/> (its definition went away at a reload): its name loads afresh at next use.</summary>
    public bool Forget(UnitRuntime unit) =>
        _units.TryGetValue(unit.Id, out var kept) && ReferenceEquals(kept, unit) && _units.Remove(unit.Id);

    /// <summary>An Accept=yes instance of <paramref name="template"/> for one connection.</summary>
    public ServiceUnit CreateInstance(UnitManager manager, UnitName name, LoadedUnit template, SocketUnit socket, AcceptedConnection connection)
    {
        // The template's definition is shared unless a specifier (%i…) makes the instance's text its own.
        var definition = TemplateHasSpecifiers(template) ? _loader.Load(name) : template;
        var service = new ServiceUnit(manager, definition, name.Name, $"{definition.Description} ({connection.PeerPretty})");
        service.AttachConnection(socket, connection);
        _units[name.Name] = service;
        return service;
    }

    /// <summary>An Accept=yes instance a re-exec carried: made as at its accept, with the description it had.</summary>
    public ServiceUnit RestoreInstance(UnitManager manager, UnitName name, LoadedUnit template, string? description)
    {
        var definition = TemplateHasSpecifiers(template) ? _loader.Load(name) : template;
        var service = new ServiceUnit(manager, definition, name.Name, description);
        _units[name.Name] = service;
        return service;
    }

    /// <summary>Forgets a per-connection instance once it holds nothing.</summary>
    public void Collect(UnitRuntime unit)
    {
        if (unit is ServiceUnit { IsConnectionInstance: true } && unit.CanCollect)
            _units.Remove(unit.Id);
    }

    /// <summary>
    /// The started Accept=no sockets whose listening fds go to <paramref name="service"/>: those naming it (Service=
    /// or by name) and those in its Sockets=, in Sockets= order first, then by name.
    /// </summary>
    public IEnumerable<SocketUnit> SocketsTriggering(ServiceUnit service)
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

    /// <summary>
    /// The service a process belongs to: the one whose main or control process it is, else (for sd_notify from a
    /// child of a daemon) a service whose process group holds it; per-connection instances are matched by pid only.
    /// </summary>
    public ServiceUnit? ServiceOf(int pid, bool includeGroups)
    {
        foreach (var unit in _units.Values)
            if (unit is ServiceUnit service && (service.MainPid == pid || service.ControlPid == pid))
                return service;
        if (!includeGroups)
            return null;
        foreach (var unit in _units.Values)
            if (unit is ServiceUnit { IsConnectionInstance: false } service && service.Owns(pid))
                return service;
        return null;
    }

    private UnitLoader NewLoader() => new(_options.UnitPath, Specifiers(_options));

    /// <summary>The specifier values (%u, %h, %t, …) of this manager's units: its mode and the identity it runs as.</summary>
    public static SpecifierContext Specifiers(ManagerOptions options) =>
        SpecifierContext.ForHost(options.UserMode, ProcessIdentity.RealUid, ProcessIdentity.RealGid,
            options.DirectoryRoot is { } root ? name => name == SpecifierContext.DirectoryRootVariable ? root : Environment.GetEnvironmentVariable(name) : null,
            credentialsRoot: options.CredentialsRoot);

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
}
