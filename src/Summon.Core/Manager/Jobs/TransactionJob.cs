namespace Summon.Manager.Jobs;

/// <summary>
/// A job while its transaction is built: who pulled it in and whether that pull "matters" (a requirement, not a
/// Wants=), which decides whether it may be deleted to break an ordering cycle or a conflict, as systemd's
/// JobDependency links.
/// </summary>
internal sealed class TransactionJob(UnitRuntime unit, JobType type)
{
    public UnitRuntime Unit { get; } = unit;

    public JobType Type { get; set; } = type;

    /// <summary>The pulls that brought this job in (subject null for the anchor).</summary>
    public List<JobLink> Subjects { get; } = [];

    /// <summary>The jobs this one pulled in.</summary>
    public List<JobLink> Objects { get; } = [];

    public bool Deleted { get; set; }

    /// <summary>Reachable from the anchor over pulls that matter: it may not be deleted.</summary>
    public bool MattersToAnchor { get; set; }

    /// <summary>A stop pulled in by Conflicts=: in a conflict the start goes rather than this stop.</summary>
    public bool FromConflict { get; set; }

    public bool IgnoreOrder { get; set; }

    /// <summary>An installed job met while checking the order, not part of the transaction.</summary>
    public bool IsInstalled { get; init; }

    // The ordering-cycle search's marks (transaction_verify_order_one()).
    public TransactionJob? Marker { get; set; }

    public uint Generation { get; set; }

    public string Name => $"{Unit.Id}/{Type.Word()}";
}

/// <summary>One pull: <see cref="Subject"/> (null for the request itself) brought in <see cref="Object"/>.</summary>
internal sealed class JobLink(TransactionJob? subject, TransactionJob obj, bool matters)
{
    public TransactionJob? Subject { get; set; } = subject;

    public TransactionJob Object { get; set; } = obj;

    public bool Matters { get; } = matters;
}
