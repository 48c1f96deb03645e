namespace Summon.Cli.Terminal;

/// <summary>
/// systemd 252's ansi_*() sequences, each empty when colour is off (<see cref="ColorMode"/>), so renderers write
/// them unconditionally.
/// </summary>
internal static class Ansi
{
    public static string Normal => On("\x1b[0m");

    public static string Highlight => On("\x1b[0;1;39m");

    public static string HighlightRed => On("\x1b[0;1;31m");

    public static string HighlightGreen => On("\x1b[0;1;32m");

    public static string HighlightYellow => ColorMode.Current == Colors.Ansi16 ? On("\x1b[0;1;33m") : On("\x1b[0;1;38;5;185m");

    public static string Grey => ColorMode.Current == Colors.Ansi16 ? On("\x1b[0;90m") : On("\x1b[0;38;5;245m");

    public static string Underline => On("\x1b[0;4m");

    /// <summary>The text between a colour and <see cref="Normal"/>, or the bare text when colour is off.</summary>
    public static string Paint(string color, string text) => color.Length == 0 ? text : string.Concat(color, text, Normal);

    private static string On(string sequence) => ColorMode.Enabled ? sequence : "";
}
