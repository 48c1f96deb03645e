namespace Summon.Processes;

/// <summary>
/// The child's fd layout: target i (0, 1, 2, then 3..3+n-1 for passed fds) comes from source fd sources[i]
/// (-1: /dev/null for stdio). posix_spawn applies the dup2s in order, so a source whose number is also an
/// earlier-written target would be clobbered before it is read.
/// </summary>
internal static class FdMap
{
    /// <summary>
    /// True when source fd <paramref name="source"/> must first be moved above the map (F_DUPFD_CLOEXEC to ≥ n):
    /// it lies inside the target range and that target slot is filled from a different fd (or /dev/null). A source
    /// sitting on its own target is safe: only the no-op dup2(s, s) ever writes that slot.
    /// </summary>
    public static bool NeedsMove(ReadOnlySpan<int> sources, int source) =>
        source >= 0 && source < sources.Length && sources[source] != source;
}
