namespace Summon.Journal;

/// <summary>A line waiting for the writer thread, with the stream backlog it counts against (null for manager lines).</summary>
internal readonly record struct JournalQueuedEntry(JournalEntry Entry, JournalBacklog? Backlog);
