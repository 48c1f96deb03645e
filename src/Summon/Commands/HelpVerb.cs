using System.CommandLine;

namespace Summon.Cli.Commands;

/// <summary>`help [VERB]`: the verb's help (or the whole list), exactly as `VERB --help` prints it, with status 0.</summary>
internal static class HelpVerb
{
    public static void AddTo(Command root, Func<Command> fullTree)
    {
        var verbs = new Argument<string[]>("VERB") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show help for a verb") { verbs };
        command.SetAction(r => fullTree().Parse([.. r.GetValue(verbs) ?? [], "--help"]).Invoke());
        root.Subcommands.Add(command);
    }
}
