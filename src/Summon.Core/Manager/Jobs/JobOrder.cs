namespace Summon.Manager.Jobs;

/// <summary>
/// Which of two jobs runs first (systemd's job_compare()): a unit's job waits for the job of a unit it is After=,
/// except that stopping always goes first — a stop waits for the stop of a unit ordered after it, so stops run in
/// the reverse of the start order.
/// </summary>
internal static class JobOrder
{
    /// <summary>True when the job (<paramref name="unit"/>, <paramref name="type"/>) must wait for the job
    /// (<paramref name="other"/>, <paramref name="otherType"/>).</summary>
    public static bool Waits(DependencyGraph graph, string unit, JobType type, string other, JobType otherType)
    {
        if (type == JobType.Nop || otherType == JobType.Nop || unit == other)
            return false;
        if (!type.StopsFirst() && graph.Of(unit, DependencyKind.After).Contains(other))
            return true;
        return otherType.StopsFirst() && graph.Of(unit, DependencyKind.Before).Contains(other);
    }
}
