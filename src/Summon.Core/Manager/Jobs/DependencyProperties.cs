namespace Summon.Manager.Jobs;

/// <summary>
/// The dependency properties `show` prints (Requires=, WantedBy=, ConsistsOf=, After=, …), from the job engine's
/// graph, in systemd's bus order; as systemctl, an empty list is not printed.
/// </summary>
internal static class DependencyProperties
{
    private static readonly (string Name, DependencyKind Kind)[] InBusOrder =
    [
        ("Requires", DependencyKind.Requires), ("Requisite", DependencyKind.Requisite), ("Wants", DependencyKind.Wants),
        ("BindsTo", DependencyKind.BindsTo), ("PartOf", DependencyKind.PartOf), ("RequiredBy", DependencyKind.RequiredBy),
        ("RequisiteOf", DependencyKind.RequisiteOf), ("WantedBy", DependencyKind.WantedBy), ("BoundBy", DependencyKind.BoundBy),
        ("ConsistsOf", DependencyKind.ConsistsOf), ("Conflicts", DependencyKind.Conflicts), ("ConflictedBy", DependencyKind.ConflictedBy),
        ("Before", DependencyKind.Before), ("After", DependencyKind.After),
        ("PropagatesReloadTo", DependencyKind.PropagatesReloadTo), ("ReloadPropagatedFrom", DependencyKind.ReloadPropagatedFrom),
    ];

    /// <summary>The names of these properties, for a caller that computes them only when asked.</summary>
    public static IEnumerable<string> Names => InBusOrder.Select(p => p.Name);

    /// <summary>The non-empty dependency lists of <paramref name="unit"/>, each as one space-separated value.</summary>
    public static IEnumerable<(string Name, string Value)> Of(string unit, DependencyGraph graph)
    {
        foreach (var (name, kind) in InBusOrder)
            if (graph.Of(unit, kind) is { Count: > 0 } units)
                yield return (name, string.Join(' ', units));
    }
}
