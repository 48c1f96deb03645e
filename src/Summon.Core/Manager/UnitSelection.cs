using Summon.Control;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Which loaded units a request names — the one home of systemctl's unit filters (ListUnitsByPatterns and
/// output_show_unit() in systemd 252): globs over the loaded units, unit types, load/active/sub states, and
/// inactive units hidden unless --all or a state filter asks for them.
/// </summary>
internal static class UnitSelection
{
    /// <summary>The loaded units a ListUnits request asks for, ordered by name.</summary>
    public static IEnumerable<UnitRuntime> List(IEnumerable<UnitRuntime> loaded, ControlRequest request) =>
        loaded.Where(u => Shows(u, request.Units, request)).OrderBy(u => u.Id, StringComparer.Ordinal);

    /// <summary>
    /// The names a job or query acts on: each plain name as given, then the loaded units each glob matches (as
    /// systemctl's expand_unit_names(): non-globs first, inactive matches only with --all), without duplicates.
    /// </summary>
    public static List<string> Expand(IEnumerable<UnitRuntime> loaded, ControlRequest request)
    {
        var globs = request.Units.Where(UnitPattern.IsGlob).ToList();
        if (globs.Count == 0)
            return request.Units;
        var names = request.Units.Where(n => !UnitPattern.IsGlob(n)).ToList();
        var seen = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var unit in List(loaded, request).Where(u => UnitPattern.MatchesAny(globs, u.Id)))
            if (seen.Add(unit.Id))
                names.Add(unit.Id);
        return names;
    }

    private static bool Shows(UnitRuntime unit, List<string> patterns, ControlRequest request)
    {
        if (patterns.Count > 0 && !UnitPattern.MatchesAny(patterns, unit.Id))
            return false;
        if (request.Types is { Count: > 0 } types && !types.Contains(unit.Id[(unit.Id.LastIndexOf('.') + 1)..]))
            return false;
        if (request.States is { Count: > 0 } states)
            return states.Contains(unit.Definition.LoadState.ToText()) || states.Contains(UnitProperties.ActiveStateName(unit.ActiveState)) || states.Contains(unit.SubState);
        return request.All || unit.ActiveState is not UnitActiveState.Inactive;
    }
}
