namespace Summon.Cli.Rendering;

/// <summary>
/// How suggested commands start, in the name the user typed: "systemctl" and "journalctl" under systemd's names
/// (with --user in user mode, as systemctl 252 words them), "summon" and "summon journal" under summon's own (with
/// --user or --system when that is not the mode summon picks by itself).
/// </summary>
internal static class Hints
{
    public static string Systemctl(bool userMode)
        => MultiCall.AsSystemd ? "systemctl" + (userMode ? " --user" : "") : "summon" + SummonMode(userMode);

    public static string Journalctl(bool userMode)
        => MultiCall.AsSystemd ? "journalctl" + (userMode ? " --user" : "") : "summon" + SummonMode(userMode) + " journal";

    private static string SummonMode(bool userMode) => userMode == !CliContext.IsRoot ? "" : userMode ? " --user" : " --system";
}
