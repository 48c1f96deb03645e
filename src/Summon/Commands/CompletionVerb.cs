using System.CommandLine;
using Summon.Cli.Rendering.Shell;

namespace Summon.Cli.Commands;

/// <summary>completion bash|zsh: prints the shell completion script, generated from the command tree that parses.</summary>
internal static class CompletionVerb
{
    public static void AddTo(Command root)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script for bash or zsh") { shell };
        command.SetAction(r =>
        {
            var tree = CommandTree.Walk(Program.Tree());
            CliOutput.Write(r.GetValue(shell) == "zsh" ? ZshCompletion.Script(tree) : BashCompletion.Script(tree));
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
