namespace Summon.Cli;

/// <summary>
/// Busybox-style multi-call: invoked through a symlink named systemctl, journalctl or systemd-analyze, the binary
/// behaves as `summon`, `summon journal`, `summon analyze`, `summon escape`, so scripts written for systemd run unchanged.
/// </summary>
internal static class MultiCall
{
    public static string[] Rewrite(string argv0, string[] args) => Path.GetFileName(argv0) switch
    {
        "journalctl" => ["journal", .. args],
        "systemd-analyze" => ["analyze", .. args],
        "systemd-escape" => ["escape", .. args],
        _ => args,
    };

    /// <summary>The name to use in messages: the symlink's name for systemd-escape, else <paramref name="fallback"/>.</summary>
    public static string ProgramName(string argv0, string fallback)
        => Path.GetFileName(argv0) == "systemd-escape" ? "systemd-escape" : fallback;
}
