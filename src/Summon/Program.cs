using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Summon.Cli.Commands;
using Summon.Cli.Terminal;

namespace Summon.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        // The exec helper comes first and touches nothing: it replaces itself with the service.
        if (args.Length > 0 && args[0] == ExecHelperVerb.Name)
            return ExecHelperVerb.Run(args);
        StandardStreamWriter.Install();
        try
        {
            return Run(args);
        }
        finally
        {
            Pager.Close();
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }

    private static int Run(string[] args)
    {
        string argv0 = Environment.GetCommandLineArgs()[0];
        MultiCall.Resolve(argv0);
        args = MultiCall.Rewrite(argv0, args);
        HashSet<string>? verbs = null;
        args = MultiCall.DefaultVerb(argv0, args, a => (verbs ??= [.. Verbs(new Command("systemctl")).Subcommands.Select(c => c.Name)]).Contains(a));
        if (args.Length > 0 && args[0] == EscapeVerb.Name)
            return EscapeVerb.Run(args[1..], Console.Out, Console.Error, MultiCall.ProgramName(argv0, "summon escape"));
        if (SystemdVersion.Requested(args))
        {
            Console.WriteLine(SystemdVersion.Line);
            return 0;
        }

        ParseResult? result = null;
        if (HelpFreeParse.Applies(args, verbFirst: MultiCall.Verb is null))
        {
            result = Tree(plain: true).Parse(args, Parsing);
            if (result.Errors.Count > 0)
                result = null;
        }
        result ??= Tree(plain: false).Parse(args, Parsing);
        return result.Action is ParseErrorAction ? ParseErrors.Report(result) : ExpectedFailures.Invoke(result);
    }

    /// <summary>No response files: "@1796551200" is journalctl's --since epoch form, never a file of arguments.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private const string Description = "Summon: systemd-style socket activation that runs anywhere.";

    /// <summary>The whole command tree as `summon --help` shows it, for the generators of completion scripts and the man page.</summary>
    internal static RootCommand Tree() => (RootCommand)Verbs(new RootCommand(Description));

    /// <summary>The verbs under a plain root (no help or version options) or under RootCommand; under journalctl the
    /// journal verb is the root (<see cref="MultiCall.Promote"/>).</summary>
    private static Command Tree(bool plain)
    {
        Command root = Verbs(plain ? new Command(RootCommand.ExecutableName, Description) : new RootCommand(Description));
        Command promoted = MultiCall.Promote(root, verb => plain ? new Command(RootCommand.ExecutableName, verb.Description) : new RootCommand(verb.Description ?? ""));
        if (promoted != root)
            GlobalOptions.AddTo(promoted);
        // Help wraps at the terminal's width, which System.CommandLine would ask System.Console for.
        if (Tty.Columns is { } columns && promoted.Options.OfType<HelpOption>().FirstOrDefault()?.Action is HelpAction help)
            help.MaxWidth = columns;
        return promoted;
    }

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
        DaemonReexecVerb.AddTo(root);
        EnableVerbs.AddTo(root);
        MaskVerbs.AddTo(root);
        EditVerb.AddTo(root);
        QueryVerbs.AddTo(root);
        StatusVerb.AddTo(root);
        ListVerbs.AddTo(root);
        ListJobsVerb.AddTo(root);
        ListUnitFilesVerb.AddTo(root);
        ListDependenciesVerb.AddTo(root);
        JournalVerb.AddTo(root);
        CompletionVerb.AddTo(root);
        ManPageVerb.AddTo(root);
        AnalyzeCoverageVerb.AddTo(root);
        HelpVerb.AddTo(root, () => Tree(plain: false));
        return root;
    }
}
