using System.CommandLine;
using System.CommandLine.Completions;

namespace Summon.Cli.Rendering.Shell;

/// <summary>
/// The CLI's command tree flattened for the generators of shell completion and the man page, so both say what
/// --help says: the same commands, descriptions, options and argument names. Hidden symbols are left out.
/// </summary>
internal static class CommandTree
{
    /// <summary>Every visible command, the root first, then depth first in the order --help lists them.</summary>
    public static IReadOnlyList<TreeCommand> Walk(Command root)
    {
        var commands = new List<TreeCommand>();
        Visit(root, [], [], commands);
        return commands;
    }

    private static void Visit(Command command, string[] path, List<Option> inherited, List<TreeCommand> into)
    {
        var options = new List<TreeOption>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in command.Options.Concat(inherited))
        {
            if (!option.Hidden && seen.Add(option.Name))
                options.Add(Describe(option));
        }
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        into.Add(new TreeCommand(
            path,
            command.Description ?? "",
            options,
            [.. command.Arguments.Where(a => !a.Hidden).Select(Describe)],
            [.. subcommands.Select(c => c.Name)]));
        var passedDown = inherited.Concat(command.Options.Where(o => o.Recursive)).ToList();
        foreach (var subcommand in subcommands)
            Visit(subcommand, [.. path, subcommand.Name], passedDown, into);
    }

    private static TreeOption Describe(Option option)
    {
        // DOS-style aliases (/?, /h, -?) are System.CommandLine's own; a Unix user never types them.
        string[] names = [.. ((string[])[option.Name, .. option.Aliases.Order(StringComparer.Ordinal)]).Where(IsUnixName)];
        bool flag = option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool);
        if (flag)
            return new TreeOption(names, option.Description ?? "", null, null, ValueCompletion.None, []);
        string valueName = option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant();
        var completion = option.Name == "--unit" ? ValueCompletion.Units : ValueCompletion.None;
        string? defaultValue = option.HasDefaultValue ? Convert.ToString(option.GetDefaultValue(), System.Globalization.CultureInfo.InvariantCulture) : null;
        return new TreeOption(names, option.Description ?? "", valueName, defaultValue, completion, Words(option.GetCompletions(CompletionContext.Empty)));
    }

    private static TreeArgument Describe(Argument argument)
    {
        // The argument's name is what --help prints (UNIT, FILE, FILE|UNIT), so it also says what completes it.
        var completion = ValueCompletion.None;
        if (argument.Name.Contains("UNIT", StringComparison.Ordinal))
            completion |= ValueCompletion.Units;
        if (argument.Name.Contains("FILE", StringComparison.Ordinal))
            completion |= ValueCompletion.Files;
        var words = argument.ValueType == typeof(bool) ? [] : Words(argument.GetCompletions(CompletionContext.Empty));
        return new TreeArgument(argument.HelpName ?? argument.Name, argument.Description ?? "",
            argument.Arity.MinimumNumberOfValues, argument.Arity.MaximumNumberOfValues, completion, words);
    }

    private static bool IsUnixName(string name) => name.Length > 1 && name[0] == '-' && name.TrimStart('-') is [var first, ..] && char.IsAsciiLetter(first);

    private static string[] Words(IEnumerable<CompletionItem> items) => [.. items.Select(i => i.Label)];
}
