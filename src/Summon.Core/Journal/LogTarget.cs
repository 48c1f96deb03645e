namespace Summon.Journal;

/// <summary>
/// <c>summon daemon --log-target=</c>: where journal lines go. <see cref="Journal"/> is the SQLite journal alone (the
/// manager's own lines echoed on stderr), <see cref="Console"/> the manager's stdout alone, <see cref="Both"/> both.
/// </summary>
internal enum LogTarget
{
    Journal,
    Console,
    Both,
}

/// <summary><c>summon daemon --log-format=</c>: how a line looks on stdout.</summary>
internal enum ConsoleLogFormat
{
    /// <summary>journalctl's short format: <c>Mmm dd hh:mm:ss HOST IDENTIFIER[PID]: MESSAGE</c>.</summary>
    Short,

    /// <summary>journalctl's <c>-o json</c>: one object a line, journald's field names, every value a string.</summary>
    Json,
}
