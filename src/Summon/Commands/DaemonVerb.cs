using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Manager;

namespace Summon.Cli.Commands;

/// <summary>daemon: run the manager in the foreground.</summary>
internal static class DaemonVerb
{
    public static void AddTo(Command root)
    {
        var force = new Option<bool>("--force") { Description = "Run a system manager even where systemd is PID 1" };
        var command = new Command("daemon", "Run the manager in the foreground (system mode as root, --user otherwise)") { force };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            if (!context.UserMode && !r.GetValue(force) && SystemdOwnsTheUnits(context))
            {
                Console.Error.WriteLine(
                    "systemd is running as PID 1 on this machine (/run/systemd/system exists) and owns the units under " +
                    "/etc/systemd/system: a second system manager would start them all again. Point SUMMON_UNIT_PATH at " +
                    "Summon's own unit directories, use --user, or pass --force.");
                return 1;
            }
            return Run(context);
        });
        root.Subcommands.Add(command);
    }

    /// <summary>
    /// Runs the manager of <paramref name="context"/>'s mode and paths in the foreground; its exit code.
    /// <paramref name="claimed"/> runs once the manager holds its directories, before it starts.
    /// </summary>
    public static int Run(CliContext context, Action? claimed = null)
    {
        var exit = ManagerHost.Run(context.UnitPath, context.UserMode, context.RuntimeDirectory, context.StateDirectory, claimed);
        if (exit.Failure is { } failure)
            Console.Error.WriteLine(StartFailureMessages.Describe(failure));
        return exit.Code;
    }

    /// <summary>sd_booted(3): systemd is PID 1, and we would read its default unit directories.</summary>
    private static bool SystemdOwnsTheUnits(CliContext context) =>
        Directory.Exists("/run/systemd/system") && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Summon.Units.UnitSearchPath.EnvironmentVariable));
}
