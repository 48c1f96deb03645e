using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.Packaging;

/// <summary>summon(1), written by the hidden man-page verb from the tree that --help prints, rendered by man(1).</summary>
public sealed partial class ManPageTests
{
    [Fact]
    public void Man_page_renders_cleanly_and_says_what_help_says()
    {
        using var root = new TempRoot();
        CommandResult page = Cli.Run(root, "man-page");
        Assert.True(page.ExitCode == 0 && page.StdErr == "", page.ToString());
        string file = root.WriteFile("summon.1", page.StdOut);

        // An ASCII device and a wide page: no hyphenation or wrapping between the text and the comparison.
        var environment = new Dictionary<string, string>(root.Environment) { ["LANG"] = "C", ["MANWIDTH"] = "200" };
        CommandResult rendered = Command.Run("man", ["--warnings", "-l", file], environment);
        Assert.True(rendered.ExitCode == 0 && rendered.StdErr == "", rendered.ToString());
        string text = Spaces().Replace(rendered.StdOut, " ");
        Assert.StartsWith("SUMMON(1)", rendered.StdOut.TrimStart());
        Assert.Contains("NAME summon - systemd-style socket activation that runs anywhere", text);

        // Every verb and option --help lists is in the page with the same description.
        CommandResult help = Cli.Run(root, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        var verbs = Listed(help, "Commands:");
        Assert.Contains(verbs, v => v.Name == "start");
        foreach (var (name, description) in verbs)
        {
            Assert.Contains(" " + name + " ", text);
            Assert.Contains(description, text);
        }
        foreach (var (_, description) in Listed(Cli.Run(root, "kill", "--help"), "Options:"))
        {
            // --help appends "[default: X]"; the page says "Default: X." after the description.
            Match withDefault = DefaultSuffix().Match(description);
            Assert.Contains(withDefault.Success ? $"{withDefault.Groups[1].Value}. Default: {withDefault.Groups[2].Value}." : description, text);
        }
    }

    /// <summary>The (first name, description) rows of one section of System.CommandLine's help.</summary>
    private static List<(string Name, string Description)> Listed(CommandResult help, string section)
    {
        var rows = new List<(string, string)>();
        bool inside = false;
        foreach (string line in help.StdOutLines)
        {
            if (line.Length > 0 && line[0] != ' ')
            {
                inside = line == section;
                continue;
            }
            Match row = Row().Match(line);
            if (inside && row.Success && !row.Groups[1].Value.StartsWith("-?", StringComparison.Ordinal))
                rows.Add((row.Groups[1].Value.TrimEnd(','), row.Groups[2].Value.TrimEnd('.')));
        }
        return rows;
    }

    [GeneratedRegex(@"^  (\S+)(?: [^ ]+)*?  +(\S.*)$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^(.*?)\.? \[default: (.*)\]$")]
    private static partial Regex DefaultSuffix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
