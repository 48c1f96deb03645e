using System.CommandLine;
using Summon.Cli.Rendering.Shell;

namespace Summon.Cli.Commands;

/// <summary>man-page (hidden): prints summon(1) in roff from the command tree, for packaging/deb/build.sh.</summary>
internal static class ManPageVerb
{
    public static void AddTo(Command root)
    {
        var command = new Command("man-page", "Print the summon(1) manual page (roff)") { Hidden = true };
        command.SetAction(_ =>
        {
            CliOutput.Write(ManPage.Write(CommandTree.Walk(Program.Tree())));
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
