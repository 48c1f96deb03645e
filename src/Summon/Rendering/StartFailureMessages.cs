using Summon.Manager;

namespace Summon.Cli.Rendering;

/// <summary>
/// Why a manager did not start, in one line: what, where, and what to do (the manager gives the facts,
/// <see cref="ManagerHost.StartFailure"/>). The exit code is always 1, systemd's EXIT_FAILURE.
/// </summary>
internal static class StartFailureMessages
{
    public static string Describe(ManagerHost.StartFailure failure)
    {
        string role = failure.Role == ManagerHost.DirectoryRole.Runtime ? "runtime" : "state";
        string variable = failure.Role == ManagerHost.DirectoryRole.Runtime ? CliContext.RuntimeDirectoryVariable : CliContext.StateDirectoryVariable;
        string lockDirectory = Path.GetDirectoryName(failure.Path) ?? failure.Path;
        return failure.Kind switch
        {
            ManagerHost.StartFailureKind.NeedsRoot =>
                $"A system manager needs root (this is uid {failure.Reason}): run it as root, or use --user for a manager of your own.",
            ManagerHost.StartFailureKind.DirectoryNotCreated =>
                $"Cannot create the {role} directory {failure.Path}: {failure.Reason}. Set {variable} to a directory you can write.",
            ManagerHost.StartFailureKind.DirectoryUnsafe =>
                $"Refusing the {role} directory {failure.Path}: {failure.Reason}. Remove it, or set {variable} to a directory of your own.",
            ManagerHost.StartFailureKind.DirectoryHeld =>
                $"Another summon manager is running with the {role} directory {lockDirectory} (it holds {failure.Path}): stop it first, "
                + $"or give this one its own {CliContext.RuntimeDirectoryVariable} and {CliContext.StateDirectoryVariable}.",
            ManagerHost.StartFailureKind.LockNotTaken =>
                $"Cannot lock the {role} directory {lockDirectory} ({failure.Path}: {failure.Reason}). Set {variable} to a directory you can write.",
            ManagerHost.StartFailureKind.MetricsSocket =>
                $"Cannot listen on the metrics address {failure.Path}: {failure.Reason}. Give --metrics (or SUMMON_METRICS) a free HOST:PORT, [IPv6]:PORT or /unix/path.",
            _ => $"Failed to set up the control socket {failure.Path}: {failure.Reason}",
        };
    }
}
