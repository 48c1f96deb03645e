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
            result = Tree(plain: true).Parse(args);
            if (result.Errors.Count > 0)
                result = null;
        }
        result ??= Tree(plain: false).Parse(args);
        return result.Action is ParseErrorAction ? ParseErrors.Report(result) : result.Invoke();
    }

    private const string Description = "Summon: systemd-style socket activation that runs anywhere.";

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
        VerifyVerb.AddTo(root);
        EscapeVerb.AddTo(root);
        CatVerb.AddTo(root);
        JobVerbs.AddTo(root);
        EnableVerbs.AddTo(root);
        MaskVerbs.AddTo(root);
        EditVerb.AddTo(root);
        QueryVerbs.AddTo(root);
        StatusVerb.AddTo(root);
        ListVerbs.AddTo(root);
        JournalVerb.AddTo(root);
        HelpVerb.AddTo(root, () => Tree(plain: false));
        return root;
    }
}
