using Microsoft.Extensions.Logging;

namespace Summon.Journal;

/// <summary>syslog(3) priorities as the journal stores them (PRIORITY=).</summary>
internal static class SyslogPriority
{
    public const int Emergency = 0, Alert = 1, Critical = 2, Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7;

    /// <summary>
    /// Maps a .NET log level to a syslog priority the way Microsoft.Extensions.Logging's systemd console
    /// format does: Trace and Debug → debug, Information → info, Warning → warning, Error → err,
    /// Critical → crit.
    /// </summary>
    public static int FromLogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => Debug,
        LogLevel.Information => Info,
        LogLevel.Warning => Warning,
        LogLevel.Error => Error,
        LogLevel.Critical => Critical,
        _ => Info,
    };

    /// <summary>journalctl's names for <c>-p</c>: emerg, alert, crit, err, warning, notice, info, debug, or a digit.</summary>
    public static bool TryParse(string text, out int priority)
    {
        priority = text switch
        {
            "emerg" => Emergency,
            "alert" => Alert,
            "crit" => Critical,
            "err" => Error,
            "warning" => Warning,
            "notice" => Notice,
            "info" => Info,
            "debug" => Debug,
            [>= '0' and <= '7'] => text[0] - '0',
            _ => -1,
        };
        return priority >= 0;
    }
}
