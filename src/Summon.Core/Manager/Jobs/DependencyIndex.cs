using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// The reverse edges the reactions need (systemd's BoundBy=, UpheldBy= and the RequiredBy=/WantedBy=… that pin a
/// StopWhenUnneeded= unit), learned from the units that report a state change. That is enough: only an active or
/// changing unit can bind, uphold or pin another, and it has reported a change to get there. A unit is learned again
/// when its definition changed (daemon-reload) and forgotten when the registry forgets it.
/// </summary>
internal sealed class DependencyIndex
{
    private readonly Dictionary<UnitRuntime, LoadedUnit> _learned = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<UnitRuntime>> _boundBy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<UnitRuntime>> _upheldBy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<UnitRuntime>> _pinnedBy = new(StringComparer.Ordinal);

    /// <summary>Records (or refreshes) the edges <paramref name="unit"/> declares; cheap for a unit that declares none.</summary>
    public void Learn(UnitRuntime unit)
    {
        var definition = unit.Definition;
        if (_learned.TryGetValue(unit, out var known))
        {
            if (ReferenceEquals(known, definition))
                return;
            Forget(unit);
        }
        var u = definition.Unit;
        if (u.BindsTo.Count + u.Upholds.Count + u.Requires.Count + u.Requisite.Count + u.Wants.Count == 0)
            return;
        _learned[unit] = definition;
        Add(_boundBy, u.BindsTo, unit);
        Add(_upheldBy, u.Upholds, unit);
        foreach (var pins in (List<string>[])[u.Requires, u.Requisite, u.Wants, u.BindsTo, u.Upholds])
            Add(_pinnedBy, pins, unit);
    }

    public void Forget(UnitRuntime unit)
    {
        if (!_learned.Remove(unit, out var definition))
            return;
        var u = definition.Unit;
        Remove(_boundBy, u.BindsTo, unit);
        Remove(_upheldBy, u.Upholds, unit);
        foreach (var pins in (List<string>[])[u.Requires, u.Requisite, u.Wants, u.BindsTo, u.Upholds])
            Remove(_pinnedBy, pins, unit);
    }

    /// <summary>The units with BindsTo= on <paramref name="unit"/> (by its name or an alias).</summary>
    public IEnumerable<UnitRuntime> BoundBy(UnitRuntime unit) => Lookup(_boundBy, unit);

    /// <summary>The units with Upholds= on <paramref name="unit"/>.</summary>
    public IEnumerable<UnitRuntime> UpheldBy(UnitRuntime unit) => Lookup(_upheldBy, unit);

    /// <summary>The units with Requires=, Requisite=, Wants=, BindsTo= or Upholds= on <paramref name="unit"/>.</summary>
    public IEnumerable<UnitRuntime> PinnedBy(UnitRuntime unit) => Lookup(_pinnedBy, unit);

    /// <summary>True when some learned unit has BindsTo= on <paramref name="unit"/>; allocates nothing.</summary>
    public bool HasBinders(UnitRuntime unit) => HasAny(_boundBy, unit);

    /// <summary>True when some learned unit has Upholds= on <paramref name="unit"/>; allocates nothing.</summary>
    public bool HasUpholders(UnitRuntime unit) => HasAny(_upheldBy, unit);

    private static bool HasAny(Dictionary<string, List<UnitRuntime>> edges, UnitRuntime unit)
    {
        if (edges.Count == 0)
            return false;
        if (edges.ContainsKey(unit.Id))
            return true;
        if (unit.Definition.Name.Name != unit.Id)
            return false;
        var names = unit.Definition.Names;
        for (int i = 0; i < names.Count; i++)
            if (edges.ContainsKey(names[i]))
                return true;
        return false;
    }

    private static IEnumerable<UnitRuntime> Lookup(Dictionary<string, List<UnitRuntime>> edges, UnitRuntime unit)
    {
        if (edges.Count == 0)
            return [];
        var found = new List<UnitRuntime>();
        foreach (string name in NamesOf(unit))
            if (edges.TryGetValue(name, out var list))
                foreach (var other in list)
                    if (!found.Contains(other) && !ReferenceEquals(other, unit))
                        found.Add(other);
        return found;
    }

    /// <summary>The unit's id and, when its definition is its own (not a shared template's), its alias names.</summary>
    private static IEnumerable<string> NamesOf(UnitRuntime unit)
    {
        yield return unit.Id;
        if (unit.Definition.Name.Name != unit.Id)
            yield break;
        foreach (string alias in unit.Definition.Names)
            if (alias != unit.Id)
                yield return alias;
    }

    private static void Add(Dictionary<string, List<UnitRuntime>> edges, List<string> names, UnitRuntime unit)
    {
        foreach (string name in names)
        {
            if (!edges.TryGetValue(name, out var list))
                edges[name] = list = [];
            if (!list.Contains(unit))
                list.Add(unit);
        }
    }

    private static void Remove(Dictionary<string, List<UnitRuntime>> edges, List<string> names, UnitRuntime unit)
    {
        foreach (string name in names)
        {
            if (edges.TryGetValue(name, out var list) && list.Remove(unit) && list.Count == 0)
                edges.Remove(name);
        }
    }
}
