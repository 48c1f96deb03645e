namespace Summon.Posix;

/// <summary>
/// syslog(3)'s level and facility names as systemd reads them in unit files and journalctl reads them on its command
/// line: a name or its number (log_level_from_string, log_facility_unshifted_from_string).
/// </summary>
internal static class SyslogNames
{
    private static readonly string[] s_levels = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    /// <summary>By facility number (unshifted); the four unnamed ones between ftp and local0 are null, as in systemd.</summary>
    private static readonly string?[] s_facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        null, null, null, null, "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    /// <summary>The daemon facility, journald's default for a service's streams.</summary>
    public const int DaemonFacility = 3;

    public static bool TryParseLevel(string text, out int level) => TryParse(text, s_levels, s_levels.Length - 1, out level);

    /// <summary>A number is taken up to what the facility mask holds, as systemd does.</summary>
    public static bool TryParseFacility(string text, out int facility) => TryParse(text, s_facilities, 127, out facility);

    public static string LevelName(int level) => (uint)level < s_levels.Length ? s_levels[level] : level.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string FacilityName(int facility) =>
        (uint)facility < s_facilities.Length && s_facilities[facility] is { } name ? name : facility.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool TryParse(string text, string?[] names, int max, out int value)
    {
        value = Array.IndexOf(names, text);
        if (value >= 0)
            return true;
        return uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint n) && n <= max
            ? (value = (int)n) >= 0
            : (value = -1) >= 0;
    }
}
