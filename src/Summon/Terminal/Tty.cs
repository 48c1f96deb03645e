using Summon.Processes;

namespace Summon.Cli.Terminal;

/// <summary>systemd's on_tty() and getenv_terminal_is_dumb(): what decides colour, the pager and whether edit runs.</summary>
internal static class Tty
{
    private static readonly Lazy<bool> s_onTty = new(() => StandardStreams.IsTerminal(StandardStreams.Output) && StandardStreams.IsTerminal(StandardStreams.Error));

    /// <summary>Both stdout and stderr are terminals (checked once, before a pager takes them over).</summary>
    public static bool OnTty => s_onTty.Value;

    /// <summary>systemd's columns(): $COLUMNS when it is a positive number, else the width of the terminal stdout is
    /// (80 when the terminal reports none), else null (not a terminal). Asked here, not of System.Console, whose
    /// terminal set-up writes to the terminal.</summary>
    public static int? Columns => int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0
        ? columns
        : StandardStreams.IsTerminal(StandardStreams.Output) ? StandardStreams.TerminalColumns(StandardStreams.Output) ?? FallbackColumns : null;

    /// <summary>systemd's width for a terminal that reports none.</summary>
    private const int FallbackColumns = 80;

    /// <summary>$TERM unset or "dumb".</summary>
    public static bool IsDumb(Func<string, string?> getEnv) => getEnv("TERM") is null or "dumb";
}
