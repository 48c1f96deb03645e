using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// docs/cli.md cannot drift from the command tree: every verb the binary's help lists has a `### `verb`` section,
/// every option of a verb is named in that section, and every global option in "Global options".
/// </summary>
public sealed partial class CliDocTests
{
    [Fact]
    public void Every_verb_and_option_has_its_place_in_docs_cli_md()
    {
        using var root = new TempRoot();
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "cli.md"));
        Dictionary<string, string> sections = Sections(doc);
        string global = Between(doc, "## Global options", "\n## ");

        Help rootHelp = Help.Of(root, []);
        var missing = new List<string>();
        foreach (string option in rootHelp.Options)
        {
            if (!global.Contains(option, StringComparison.Ordinal))
                missing.Add($"global option {option}");
        }

        var verbs = new Queue<string[]>(rootHelp.Commands.Select(c => new[] { c }));
        int checkedVerbs = 0;
        while (verbs.TryDequeue(out string[]? verb))
        {
            string name = string.Join(' ', verb);
            Help help = Help.Of(root, verb);
            foreach (string sub in help.Commands)
                verbs.Enqueue([.. verb, sub]);
            checkedVerbs++;
            if (!sections.TryGetValue(name, out string? section))
            {
                missing.Add($"verb {name}");
                continue;
            }

            foreach (string option in help.Options.Except(rootHelp.Options))
            {
                if (!section.Contains(option, StringComparison.Ordinal))
                    missing.Add($"{name} {option}");
            }
        }

        Assert.True(checkedVerbs > 20, $"only {checkedVerbs} verbs found in the help");
        Assert.True(missing.Count == 0, "docs/cli.md lacks: " + string.Join(", ", missing));
    }

    /// <summary>Each `### ` heading's backticked names (the words before the arguments) mapped to its text.</summary>
    private static Dictionary<string, string> Sections(string doc)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] parts = doc.Split("\n### ");
        foreach (string part in parts.Skip(1))
        {
            int end = part.IndexOf("\n## ", StringComparison.Ordinal);
            string body = end < 0 ? part : part[..end];
            string heading = body.Split('\n')[0];
            foreach (Match span in Backticked().Matches(heading))
            {
                string[] words = span.Groups[1].Value.Split(' ');
                string name = string.Join(' ', words.TakeWhile(w => w.Length > 0 && char.IsAsciiLetterLower(w[0])));
                sections[name] = body;
            }
        }

        return sections;
    }

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no '{start}' in docs/cli.md");
        int to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }

    /// <summary>What `summon VERB --help` lists: subcommands and option names (help and version left out).</summary>
    private sealed record Help(IReadOnlyList<string> Commands, IReadOnlyList<string> Options)
    {
        public static Help Of(TempRoot root, string[] verb)
        {
            CommandResult result = Cli.Run(root, [.. verb, "--help"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            var commands = new List<string>();
            var options = new List<string>();
            string section = "";
            foreach (string line in result.StdOutLines)
            {
                if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
                {
                    section = line;
                    continue;
                }

                string trimmed = line.Trim();
                if (section == "Commands:" && trimmed.Length > 0)
                {
                    commands.Add(trimmed.Split(' ')[0]);
                }
                else if (trimmed.StartsWith('-'))
                {
                    // "-p, --property <property>  Description", or getopt's "-u --unescape  Description".
                    string names = trimmed.Split("  ")[0];
                    foreach (Match option in OptionName().Matches(names))
                    {
                        string name = option.Value;
                        bool longForm = name.StartsWith("--", StringComparison.Ordinal);
                        bool onlyShort = !names.Contains("--", StringComparison.Ordinal);
                        if ((longForm || onlyShort) && name is not ("--help" or "--version" or "-h" or "-?"))
                            options.Add(name);
                    }
                }
            }

            return new Help(commands, options);
        }
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"(?<![\w-])--?[A-Za-z?][\w-]*")]
    private static partial Regex OptionName();
}
