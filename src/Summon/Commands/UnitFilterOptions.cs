using System.CommandLine;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// The filters of systemctl's list verbs, one set per command: PATTERN… (globs), --all, --type= and --state= (comma
/// lists, repeatable), --failed (= --state=failed); --plain is global (GlobalOptions). A load state given to --type counts as a state, as in
/// systemctl.
/// </summary>
internal sealed class UnitFilterOptions
{
    private static readonly string[] s_loadStates = ["stub", "loaded", "not-found", "bad-setting", "error", "merged", "masked"];

    public Argument<string[]> Patterns { get; } = new("PATTERN") { Arity = ArgumentArity.ZeroOrMore, Description = "Only units whose names match these globs" };

    public Option<bool> All { get; } = new("--all", "-a") { Description = "Show loaded but inactive units too" };

    public Option<string[]> Type { get; } = new("--type", "-t") { Description = "Only units of these types (comma-separated; 'help' lists them)" };

    public Option<string[]> State { get; } = new("--state") { Description = "Only units in these load, active or sub states (comma-separated)" };

    public Option<bool> Failed { get; } = new("--failed") { Description = "Same as --state=failed" };

    public void AddTo(Command command, bool failed = true)
    {
        command.Arguments.Add(Patterns);
        foreach (var option in (Option[])[All, Type, State])
            command.Options.Add(option);
        if (failed)
            command.Options.Add(Failed);
    }

    /// <summary>The types and states asked for; false after printing what is wrong (or the list for -t help).</summary>
    public bool TryRead(ParseResult result, out List<string> types, out List<string> states, out int exitCode)
    {
        types = [];
        states = [.. Split(result.GetValue(State))];
        if (result.GetValue(Failed))
            states.Add("failed");
        exitCode = 0;
        foreach (string type in Split(result.GetValue(Type)))
        {
            if (type == "help")
            {
                CliOutput.Write("Available unit types:\n" + string.Concat(Enum.GetValues<UnitType>().Select(t => t.ToSuffix() + "\n"))
                    + "\nAvailable unit load states:\n" + string.Concat(s_loadStates.Select(s => s + "\n")));
                return false;
            }
            if (UnitTypes.TryParse(type, out _))
                types.Add(type);
            else if (s_loadStates.Contains(type))
                states.Add(type);
            else
            {
                Console.Error.WriteLine($"Unknown unit type or load state '{type}': use -t help to see a list of allowed values.");
                exitCode = 1;
                return false;
            }
        }
        return true;
    }

    private static IEnumerable<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
