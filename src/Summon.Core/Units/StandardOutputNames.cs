namespace Summon.Units;

/// <summary>systemd's names of the StandardOutput=/StandardError= kinds, as show and dump-unit print them
/// (exec_output_to_string(): "journal+console", not a kebab-cased enum name).</summary>
internal static class StandardOutputNames
{
    public static string Name(StandardOutputKind kind) => kind switch
    {
        StandardOutputKind.Inherit => "inherit",
        StandardOutputKind.Null => "null",
        StandardOutputKind.Tty => "tty",
        StandardOutputKind.Journal => "journal",
        StandardOutputKind.Kmsg => "kmsg",
        StandardOutputKind.JournalConsole => "journal+console",
        StandardOutputKind.KmsgConsole => "kmsg+console",
        StandardOutputKind.File => "file",
        StandardOutputKind.Append => "append",
        StandardOutputKind.Truncate => "truncate",
        StandardOutputKind.Socket => "socket",
        StandardOutputKind.Fd => "fd",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
