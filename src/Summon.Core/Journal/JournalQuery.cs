namespace Summon.Journal;

/// <summary>
/// A journal query, as journalctl's options: <c>-u</c> (any of <paramref name="Units"/>), <c>-n</c>
/// (<paramref name="Lines"/>: the last N matching entries), <c>--since</c>, <c>-p</c> (<paramref name="MaxPriority"/>:
/// entries with priority ≤ this, i.e. at least this important; with <paramref name="MinPriority"/>, the range
/// <c>-p A..B</c>), <c>--until</c>, and a cursor for <c>-f</c> (entries appended after it, in append order).
/// Null means "no filter".
/// </summary>
internal sealed record JournalQuery(
    IReadOnlyList<string>? Units = null,
    int? Lines = null,
    DateTimeOffset? Since = null,
    int? MaxPriority = null,
    long? AfterCursor = null,
    DateTimeOffset? Until = null,
    int? MinPriority = null);
