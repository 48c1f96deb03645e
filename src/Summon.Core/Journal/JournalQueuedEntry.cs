namespace Summon.Journal;

/// <summary>
/// What waits for the writer thread: a manager line (<see cref="Entry"/>), or a block of one stream's lines with the
/// backlog it counts against.
/// </summary>
internal readonly struct JournalQueuedEntry
{
    public JournalQueuedEntry(JournalEntry entry) => Entry = entry;

    public JournalQueuedEntry(JournalLineBlock block, JournalBacklog backlog)
    {
        Block = block;
        Backlog = backlog;
    }

    public JournalEntry? Entry { get; }

    public JournalLineBlock? Block { get; }

    public JournalBacklog? Backlog { get; }

    /// <summary>Journal rows it makes.</summary>
    public int Rows => Block?.Count ?? 1;

    /// <summary>The unit its lines are filed under ("summon" for manager-wide lines): whom a loss is counted against.</summary>
    public string Owner => (Entry is { } entry ? entry.Unit : Block!.Source.Unit) ?? JournalEntry.ManagerIdentifier;
}
