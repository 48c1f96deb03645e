using System.CommandLine;
using Summon.Cli.Daemon;

namespace Summon.Cli.Commands;

/// <summary>daemon: run the manager in the foreground.</summary>
internal static class DaemonVerb
{
    public static void AddTo(RootCommand root)
    {
        var command = new Command("daemon", "Run the manager in the foreground (system mode as root, --user otherwise)");
        command.SetAction(r => DaemonHost.Run(GlobalOptions.Context(r)));
        root.Subcommands.Add(command);
    }
}
