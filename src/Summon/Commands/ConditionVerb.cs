using System.CommandLine;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;
using Summon.Units.Conditions;

namespace Summon.Cli.Commands;

/// <summary>
/// `analyze condition EXPR…`: systemd-analyze 252's condition verb. Each argument is one Condition*=/Assert*=
/// assignment for a unit named test.service; the asserts are tested, then the conditions, each logged on stderr
/// ("test.service: ConditionPathExists=/x failed."), then "Asserts …"/"Conditions succeeded|failed."; exit status 0
/// when both lists hold, 1 otherwise.
/// </summary>
internal static class ConditionVerb
{
    private const string UnitId = "test.service";

    public static void AddTo(Command analyze)
    {
        var expressions = new Argument<string[]>("CONDITION") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("condition", "Evaluate conditions and asserts") { expressions };
        command.SetAction(r => Run(r.GetValue(expressions) ?? [], GlobalOptions.Context(r).Specifiers, SystemConditionFacts.Instance, Console.Error));
        analyze.Subcommands.Add(command);
    }

    public static int Run(IReadOnlyList<string> expressions, SpecifierContext host, IConditionFacts facts, TextWriter stderr)
    {
        if (expressions.Count == 0)
        {
            stderr.WriteLine("Too few arguments for condition");
            return 1;
        }

        var name = UnitName.Parse(UnitId);
        var unit = new LoadedUnit { Name = name, LoadState = LoadState.Loaded };
        var diagnostics = new List<Diagnostic>();
        var parser = new UnitSettingsParser(unit, new Specifiers(name, null, host), host, diagnostics);
        foreach (string line in expressions)
        {
            int eq = line.IndexOf('=');
            string key = eq < 0 ? "" : line[..eq].TrimEnd(' ', '\t', '\n', '\r');
            if (eq < 0 || !ConditionKinds.TryParseKey(key, out _, out _))
            {
                stderr.WriteLine($"Cannot parse \"{line}\".");
                return 1;
            }
            // Each line's warnings come before the next line is read, as systemd-analyze parses them one by one.
            parser.Apply("(cmdline)", new UnitFileAssignment("Unit", key, line[(eq + 1)..].TrimStart(' ', '\t', '\n', '\r'), 0));
            foreach (var d in diagnostics)
                stderr.WriteLine($"(cmdline): {d.Message}");
            diagnostics.Clear();
        }

        var evaluator = new ConditionEvaluator(facts);
        void Log(UnitCondition c, ConditionOutcome outcome, int errno) => stderr.WriteLine(outcome == ConditionOutcome.Error
            ? $"{UnitId}: Couldn't determine result for {c}, assuming failed: {Errno.Describe(errno)}"
            : $"{UnitId}: {c} {outcome.Name()}.");

        bool asserts = evaluator.TestList(unit.Unit.Asserts, report: Log);
        if (unit.Unit.Asserts.Count > 0)
            stderr.WriteLine($"Asserts {(asserts ? "succeeded" : "failed")}.");
        bool conditions = evaluator.TestList(unit.Unit.Conditions, report: Log);
        if (unit.Unit.Conditions.Count > 0)
            stderr.WriteLine($"Conditions {(conditions ? "succeeded" : "failed")}.");
        return asserts && conditions ? 0 : 1;
    }
}
