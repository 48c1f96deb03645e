using Summon.Processes;

namespace Summon.Cli.Terminal;

/// <summary>
/// The one answer to "is colour on", as systemd 252's get_color_mode() gives it: $SYSTEMD_COLORS when it parses
/// (a boolean, 16 or 256), else off when $NO_COLOR exists at all, else on exactly when stdout and stderr are both
/// terminals and $TERM is set and not "dumb".
/// </summary>
internal static class ColorMode
{
    private static readonly Lazy<Colors> s_current = new(() => Resolve(Environment.GetEnvironmentVariable, Tty.OnTty));

    public static Colors Current => s_current.Value;

    public static bool Enabled => Current != Colors.Off;

    public static Colors Resolve(Func<string, string?> getEnv, bool onTty)
    {
        switch (getEnv("SYSTEMD_COLORS"))
        {
            case "16":
                return Colors.Ansi16;
            case "256":
                return Colors.Ansi256;
            case { } value when Summon.Units.ValueParsers.TryParseBoolean(value, out bool on):
                return on ? Colors.Ansi256 : Colors.Off;
        }
        if (getEnv("NO_COLOR") is not null)
            return Colors.Off;
        return onTty && !Tty.IsDumb(getEnv) ? Colors.Ansi256 : Colors.Off;
    }
}

internal enum Colors { Off, Ansi16, Ansi256 }
