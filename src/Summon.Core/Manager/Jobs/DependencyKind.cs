namespace Summon.Manager.Jobs;

/// <summary>The dependency kinds of systemd.unit(5) the job engine follows, each with its reverse.</summary>
internal enum DependencyKind
{
    Requires,
    Requisite,
    Wants,
    BindsTo,
    PartOf,
    Conflicts,
    RequiredBy,
    RequisiteOf,
    WantedBy,
    BoundBy,
    ConsistsOf,
    ConflictedBy,
    Before,
    After,
    Triggers,
    TriggeredBy,
    PropagatesReloadTo,
    ReloadPropagatedFrom,
}

internal static class DependencyKinds
{
    /// <summary>The kind the other unit gets: Requires= ↔ RequiredBy=, After= ↔ Before=, ….</summary>
    public static DependencyKind Reverse(this DependencyKind kind) => kind switch
    {
        DependencyKind.Requires => DependencyKind.RequiredBy,
        DependencyKind.RequiredBy => DependencyKind.Requires,
        DependencyKind.Requisite => DependencyKind.RequisiteOf,
        DependencyKind.RequisiteOf => DependencyKind.Requisite,
        DependencyKind.Wants => DependencyKind.WantedBy,
        DependencyKind.WantedBy => DependencyKind.Wants,
        DependencyKind.BindsTo => DependencyKind.BoundBy,
        DependencyKind.BoundBy => DependencyKind.BindsTo,
        DependencyKind.PartOf => DependencyKind.ConsistsOf,
        DependencyKind.ConsistsOf => DependencyKind.PartOf,
        DependencyKind.Conflicts => DependencyKind.ConflictedBy,
        DependencyKind.ConflictedBy => DependencyKind.Conflicts,
        DependencyKind.Before => DependencyKind.After,
        DependencyKind.After => DependencyKind.Before,
        DependencyKind.Triggers => DependencyKind.TriggeredBy,
        DependencyKind.TriggeredBy => DependencyKind.Triggers,
        DependencyKind.PropagatesReloadTo => DependencyKind.ReloadPropagatedFrom,
        _ => DependencyKind.PropagatesReloadTo,
    };
}
