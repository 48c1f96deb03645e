namespace Summon.Cli.Commands;

/// <summary>
/// The hidden exec helper: the manager spawns `summon __exec PATH ARGV…` when the service must see its own pid in
/// LISTEN_PID, which posix_spawn cannot set; the helper sets it and execs the service in the same process.
/// </summary>
internal static class ExecHelperVerb
{
    public const string Name = "__exec";

    public static int Run(string[] args) => Summon.Processes.ExecHelper.Run(args[1..]);
}
