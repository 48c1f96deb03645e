namespace Summon.Journal;

/// <summary>
/// Who writes into a captured stdout/stderr stream: the unit, SyslogIdentifier= (or argv[0]'s basename), the pid,
/// SyslogLevel= (default info), SyslogLevelPrefix= (default yes: a leading <c>&lt;N&gt;</c> sets the priority) and
/// LogLevelMax= (lines of a higher number are not stored, as journald filters them), and the fields every line
/// carries besides (<see cref="JournalEntry.Fields"/>: SyslogFacility= when not daemon, LogExtraFields=), or null.
/// </summary>
internal sealed record JournalStreamSource(string? Unit, string Identifier, int Pid, int Priority = SyslogPriority.Info, bool LevelPrefix = true,
    int MaxPriority = SyslogPriority.Debug, string? Fields = null);
