namespace Summon.Journal;

/// <summary>
/// One journal line. <paramref name="Unit"/> is the unit the line belongs to (null for manager-wide lines);
/// <paramref name="Identifier"/> is "summon" for manager lines and the SyslogIdentifier (or argv[0] basename)
/// for a service's output; <paramref name="Priority"/> is a syslog level 0..7 (see <see cref="SyslogPriority"/>).
/// </summary>
internal sealed record JournalEntry(DateTimeOffset Time, string? Unit, string Identifier, int Pid, int Priority, string Message)
{
    /// <summary>The identifier of lines the manager itself writes.</summary>
    public const string ManagerIdentifier = "summon";

    /// <summary>
    /// Position of the entry in the journal (increasing in append order), set by <see cref="JournalReader"/>;
    /// 0 for entries not read from a journal. Pass the last one seen as <see cref="JournalQuery.AfterCursor"/>
    /// to follow the journal.
    /// </summary>
    public long Cursor { get; init; }

    /// <summary>Further journal fields of the line, "NAME=value" lines joined by '\n' (SYSLOG_FACILITY=, the unit's
    /// LogExtraFields=); null when it has none.</summary>
    public string? Fields { get; init; }

    /// <summary>
    /// True for lines the manager wrote about a unit (journalctl's <c>UNIT=</c>), false for a service's own
    /// output (<c>_SYSTEMD_UNIT=</c>). Decided by the identifier.
    /// </summary>
    public bool IsManagerLine => string.Equals(Identifier, ManagerIdentifier, StringComparison.Ordinal);
}
