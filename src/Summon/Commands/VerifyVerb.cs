using System.CommandLine;
using Summon.Processes;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>verify FILE… and analyze verify FILE…: systemd-analyze verify's checks, messages and exit code.</summary>
internal static class VerifyVerb
{
    public static void AddTo(Command root)
    {
        root.Subcommands.Add(Verify());
        var analyze = new Command("analyze", "Analyze and debug unit files (like systemd-analyze)");
        analyze.Subcommands.Add(Verify());
        TimespanVerb.AddTo(analyze);
        ConditionVerb.AddTo(analyze);
        DumpUnitVerb.AddTo(analyze);
        AnalyzeSecurityVerb.AddTo(analyze);
        root.Subcommands.Add(analyze);
    }

    private static Command Verify()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore };
        var man = new Option<string?>("--man") { Description = "Check Documentation=man: pages (accepted; not checked)" };
        var command = new Command("verify", "Check unit files for correctness") { files, man };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            var result = UnitVerifier.Verify(r.GetValue(files)!, context.UnitPath, context.Specifiers, ExecutableLookup.Find);
            foreach (var message in result.Messages)
                Console.Error.WriteLine(message);
            return result.ExitCode;
        });
        return command;
    }
}
