namespace Summon.Cli;

/// <summary>
/// Busybox-style multi-call: invoked through a symlink named systemctl, journalctl or systemd-analyze, the binary
/// behaves as `summon`, `summon journal`, `summon analyze`, so scripts written for systemd run unchanged.
/// </summary>
internal static class MultiCall
{
    public static string[] Rewrite(string argv0, string[] args) => Path.GetFileName(argv0) switch
    {
        "journalctl" => ["journal", .. args],
        "systemd-analyze" => ["analyze", .. args],
        _ => args,
    };
}
