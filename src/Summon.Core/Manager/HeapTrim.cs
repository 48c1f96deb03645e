namespace Summon.Manager;

/// <summary>
/// Gives memory back after the manager drops a whole generation of unit definitions at once (start-up, daemon-reload).
/// The definitions survive long enough to reach gen2, and the workstation GC rarely runs a gen2 collection on an idle
/// manager, so without this every daemon-reload left the dead definitions in the heap; a blocking, compacting,
/// aggressive collection of the small live set is quick and returns the freed regions to the kernel (RSS after
/// reloads: docs/performance.md, target 3).
/// </summary>
internal static class HeapTrim
{
    public static void AfterBulkLoad() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
