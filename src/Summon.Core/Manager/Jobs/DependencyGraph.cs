using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// Every dependency between the loaded units, both directions: what their files say, their .wants/ and .requires/
/// links, the default dependencies systemd adds (systemd.service(5), .socket(5), .target(5) "Default Dependencies")
/// and a socket's Before=/Triggers= on its service. Reverse kinds (RequiredBy=, ConsistsOf=, …) come from the loaded
/// units only, as systemd's do. Built from a snapshot; the engine builds another when definitions change.
/// </summary>
internal sealed class DependencyGraph
{
    private static readonly IReadOnlyList<string> None = [];
    private readonly Dictionary<string, Dictionary<DependencyKind, List<string>>> _edges = new(StringComparer.Ordinal);

    /// <summary>The units <paramref name="unit"/> has a <paramref name="kind"/> dependency on, in the order first met.</summary>
    public IReadOnlyList<string> Of(string unit, DependencyKind kind) =>
        _edges.TryGetValue(unit, out var kinds) && kinds.TryGetValue(kind, out var names) ? names : None;

    /// <param name="definitions">the loaded definitions (an alias may appear under several names: it counts once)</param>
    /// <param name="canonical">the canonical name of a unit name (an alias's unit)</param>
    public static DependencyGraph Build(IEnumerable<LoadedUnit> definitions, Func<string, string> canonical, InstallLinks links, bool userMode,
        Func<string, LoadedUnit?> loaded)
    {
        var graph = new DependencyGraph();
        var units = definitions.Where(d => d.LoadState == LoadState.Loaded).Distinct().ToList();
        foreach (var d in units)
            foreach (var (kind, other) in Forward(d, links, userMode))
                graph.Add(d.Name.Name, kind, canonical(other));
        // A target orders itself after what it pulls in (target_add_default_dependencies), unless the other unit has
        // no default dependencies or is ordered after the target already.
        foreach (var d in units.Where(d => d.Name.Type == UnitType.Target && d.Unit.DefaultDependencies))
        {
            string target = d.Name.Name;
            foreach (var kind in (DependencyKind[])[DependencyKind.Requires, DependencyKind.Requisite, DependencyKind.Wants, DependencyKind.BindsTo])
                foreach (var other in graph.Of(target, kind).ToList())
                    if (loaded(other) is { LoadState: LoadState.Loaded, Unit.DefaultDependencies: true } && !graph.Of(target, DependencyKind.Before).Contains(other))
                        graph.Add(target, DependencyKind.After, other);
        }
        return graph;
    }

    /// <summary>The dependencies one definition declares or implies, by the names it uses.</summary>
    public static IEnumerable<(DependencyKind, string)> Forward(LoadedUnit d, InstallLinks links, bool userMode)
    {
        UnitSection u = d.Unit;
        string name = d.Name.Name;
        foreach (var r in u.Requires.Concat(links.Requires(name))) yield return (DependencyKind.Requires, r);
        foreach (var w in u.Wants.Concat(links.Wants(name))) yield return (DependencyKind.Wants, w);
        foreach (var r in u.Requisite) yield return (DependencyKind.Requisite, r);
        foreach (var b in u.BindsTo) yield return (DependencyKind.BindsTo, b);
        foreach (var p in u.PartOf) yield return (DependencyKind.PartOf, p);
        foreach (var c in u.Conflicts) yield return (DependencyKind.Conflicts, c);
        foreach (var a in u.After) yield return (DependencyKind.After, a);
        foreach (var b in u.Before) yield return (DependencyKind.Before, b);
        foreach (var p in u.PropagatesReloadTo) yield return (DependencyKind.PropagatesReloadTo, p);
        foreach (var p in u.ReloadPropagatedFrom) yield return (DependencyKind.ReloadPropagatedFrom, p);

        if (d.Socket is { } socket && !socket.Accept)
        {
            string service = socket.Service ?? d.Name.WithType(UnitType.Service).Name;
            yield return (DependencyKind.Before, service);
            yield return (DependencyKind.Triggers, service);
        }
        if (d.Service is { } s)
        {
            foreach (var socketName in s.Sockets)
            {
                yield return (DependencyKind.Wants, socketName);
                yield return (DependencyKind.After, socketName);
            }
        }

        if (!u.DefaultDependencies)
            yield break;
        switch (d.Name.Type)
        {
            case UnitType.Service:
                // service_add_default_dependencies()
                if (userMode)
                    yield return (DependencyKind.Requires, "basic.target");
                else
                {
                    yield return (DependencyKind.Requires, "sysinit.target");
                    yield return (DependencyKind.After, "sysinit.target");
                }
                yield return (DependencyKind.After, "basic.target");
                yield return (DependencyKind.Conflicts, "shutdown.target");
                yield return (DependencyKind.Before, "shutdown.target");
                break;
            case UnitType.Socket:
                // socket_add_default_dependencies()
                yield return (DependencyKind.Before, "sockets.target");
                if (!userMode)
                {
                    yield return (DependencyKind.Requires, "sysinit.target");
                    yield return (DependencyKind.After, "sysinit.target");
                }
                yield return (DependencyKind.Conflicts, "shutdown.target");
                yield return (DependencyKind.Before, "shutdown.target");
                break;
            case UnitType.Target when name != "shutdown.target":
                yield return (DependencyKind.Conflicts, "shutdown.target");
                yield return (DependencyKind.Before, "shutdown.target");
                break;
        }
    }

    private void Add(string unit, DependencyKind kind, string other)
    {
        if (unit == other)
            return;
        AddOne(unit, kind, other);
        AddOne(other, kind.Reverse(), unit);
    }

    private void AddOne(string unit, DependencyKind kind, string other)
    {
        if (!_edges.TryGetValue(unit, out var kinds))
            _edges[unit] = kinds = [];
        if (!kinds.TryGetValue(kind, out var names))
            kinds[kind] = names = [];
        if (!names.Contains(other))
            names.Add(other);
    }
}
