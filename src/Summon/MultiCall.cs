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

    /// <summary>
    /// systemctl without a verb is `systemctl list-units` (its options too: `systemctl --type=socket`); help and version
    /// stay the root's. <paramref name="isVerb"/> is only asked when the first argument is an option.
    /// </summary>
    public static string[] DefaultVerb(string argv0, string[] args, Func<string, bool> isVerb)
    {
        if (Path.GetFileName(argv0) != "systemctl" || args.Length > 0 && !args[0].StartsWith('-'))
            return args;
        if (args.Any(a => a is "-h" or "-?" or "--help" or "--version") || args.Any(isVerb))
            return args;
        return ["list-units", .. args];
    }
}
