using System.CommandLine;
using Summon.Cli.Commands;

namespace Summon.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        args = MultiCall.Rewrite(Environment.GetCommandLineArgs()[0], args);
        HashSet<string>? verbs = null;
        args = MultiCall.DefaultVerb(Environment.GetCommandLineArgs()[0], args, a => (verbs ??= [.. Verbs(new Command("systemctl")).Subcommands.Select(c => c.Name)]).Contains(a));
        if (args.Length > 0 && args[0] == ExecHelperVerb.Name)
            return ExecHelperVerb.Run(args);
        if (args.Length > 0 && args[0] == EscapeVerb.Name)
            return EscapeVerb.Run(args[1..], Console.Out, Console.Error, MultiCall.ProgramName(Environment.GetCommandLineArgs()[0], "summon escape"));

        ParseResult? result = null;
        if (HelpFreeParse.Applies(args))
        {
            result = Verbs(new Command(RootCommand.ExecutableName, Description)).Parse(args, Parsing);
            if (result.Errors.Count > 0)
                result = null;
        }
        result ??= Verbs(new RootCommand(Description)).Parse(args, Parsing);
        return ExpectedFailures.Invoke(result);
    }

    /// <summary>No response files: "@1796551200" is journalctl's --since epoch form, never a file of arguments.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private const string Description = "Summon: systemd-style socket activation that runs anywhere.";

    /// <summary>The whole command tree as --help shows it, for the generators of completion scripts and the man page.</summary>
    internal static RootCommand Tree() => (RootCommand)Verbs(new RootCommand(Description));

    private static Command Verbs(Command root)
    {
        GlobalOptions.AddTo(root);
        DaemonVerb.AddTo(root);
        DemoVerb.AddTo(root);
        ConnectVerb.AddTo(root);
        VerifyVerb.AddTo(root);
        EscapeVerb.AddTo(root);
        CatVerb.AddTo(root);
        JobVerbs.AddTo(root);
        EnableVerbs.AddTo(root);
        QueryVerbs.AddTo(root);
        StatusVerb.AddTo(root);
        ListVerbs.AddTo(root);
        ListUnitFilesVerb.AddTo(root);
        ListDependenciesVerb.AddTo(root);
        JournalVerb.AddTo(root);
        CompletionVerb.AddTo(root);
        ManPageVerb.AddTo(root);
        return root;
    }
}
