namespace Summon.Journal;

/// <summary>
/// Who writes into a captured stdout/stderr stream: the unit, SyslogIdentifier= (or argv[0]'s basename), the pid,
/// SyslogLevel= (default info) and SyslogLevelPrefix= (default yes: a leading <c>&lt;N&gt;</c> sets the priority).
/// </summary>
internal sealed record JournalStreamSource(string? Unit, string Identifier, int Pid, int Priority = SyslogPriority.Info, bool LevelPrefix = true);
