using System.Text;

namespace Summon.Cli.Rendering.Shell;

/// <summary>
/// The command tree as four shell functions that bash and zsh both read (plain `case`, the answer in REPLY, no
/// subshell): the verbs under a command path, its flags, its options that take a value, and what completes a value
/// (an option's, or the command's arguments when the option is empty). "@units" and "@files" stand for unit names
/// and paths; anything else is a literal word.
/// </summary>
internal static class CompletionTables
{
    public const string UnitsMarker = "@units";
    public const string FilesMarker = "@files";

    public static string Write(IReadOnlyList<TreeCommand> commands)
    {
        var text = new StringBuilder();
        Table(text, "_summon_verbs", "the verbs under a command path ($1: verbs separated by spaces)",
            commands.Where(c => c.Subcommands.Count > 0).Select(c => (Quote(c.Key), string.Join(' ', c.Subcommands))));
        Table(text, "_summon_flags", "the options of a command that take no value",
            commands.Select(c => (Quote(c.Key), string.Join(' ', c.Options.Where(o => !o.TakesValue).SelectMany(o => o.Names)))));
        Table(text, "_summon_valued", "the options of a command that take a value",
            commands.Select(c => (Quote(c.Key), string.Join(' ', c.Options.Where(o => o.TakesValue).SelectMany(o => o.Names)))));
        var values = new List<(string, string)>();
        foreach (var command in commands)
        {
            foreach (var option in command.Options.Where(o => o.TakesValue))
            {
                string what = Values(option.Completion, option.Words);
                if (what.Length > 0)
                    values.Add((string.Join('|', option.Names.Select(n => Quote(command.Key + "|" + n))), what));
            }
            var arguments = command.Arguments.Aggregate((Completion: ValueCompletion.None, Words: Enumerable.Empty<string>()),
                (sum, a) => (sum.Completion | a.Completion, sum.Words.Concat(a.Words)));
            string forArguments = Values(arguments.Completion, [.. arguments.Words]);
            if (forArguments.Length > 0)
                values.Add((Quote(command.Key + "|"), forArguments));
        }
        Table(text, "_summon_values", "what completes the value of option $2 of command $1 (the arguments when $2 is empty)",
            values.Select(v => (v.Item1, v.Item2)), key: "\"$1|$2\"");
        text.Append(UnitsFunction);
        return text.ToString();
    }

    /// <summary>
    /// Unit names for $3 from $1 (the program being completed) in mode $2 (--user, --system or empty): the unit
    /// files and every loaded unit, as Debian's systemctl completion gathers them; `list-units --all` alone where
    /// the plain listing is refused. Only words ending in a unit type are kept, so no message or help text leaks in.
    /// </summary>
    private const string UnitsFunction = """
        _summon_units() {
            local program=$1 mode=$2 prefix=$3 first second rest
            {
                "$program" $mode list-unit-files --full --no-legend --no-pager --plain 2>/dev/null
                "$program" $mode list-units --full --all --no-legend --no-pager --plain 2>/dev/null \
                    || "$program" $mode list-units --all --no-legend 2>/dev/null
            } | while read -r first second rest; do
                [[ $first == '●' || $first == '*' ]] && first=$second
                [[ $first == "$prefix"* && $first =~ [.](service|socket|target|path|timer|mount|automount|swap|slice|scope|device)$ ]] \
                    && printf '%s\n' "$first"
            done
        }

        """;

    private static string Values(ValueCompletion completion, IReadOnlyList<string> words)
    {
        var parts = new List<string>(words);
        if (completion.HasFlag(ValueCompletion.Units))
            parts.Add(UnitsMarker);
        if (completion.HasFlag(ValueCompletion.Files))
            parts.Add(FilesMarker);
        return string.Join(' ', parts);
    }

    private static void Table(StringBuilder text, string name, string comment, IEnumerable<(string Pattern, string Reply)> rows, string key = "$1")
    {
        text.Append("# ").Append(comment).Append('\n');
        text.Append(name).Append("() {\n    case ").Append(key).Append(" in\n");
        foreach (var (pattern, reply) in rows)
            text.Append("        ").Append(pattern).Append(") REPLY=").Append(Quote(reply)).Append(" ;;\n");
        text.Append("        *) REPLY='' ;;\n    esac\n}\n\n");
    }

    /// <summary>Single quotes, the one quoting that bash and zsh read alike.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
