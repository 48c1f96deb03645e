using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Help, version and parse errors come from the full command tree even where a plain verb line is parsed without
/// the root's help option (HelpFreeParse); no manager is needed for any of these.
/// </summary>
public sealed class CommandLineTests
{
    private const string IsActiveUsage = "  summon is-active <UNIT>... [options]";

    [Theory]
    [InlineData("is-active", "--help")]
    [InlineData("is-active", "-h", "x.socket")]
    [InlineData("is-active", "-?", "x.socket")]
    [InlineData("is-active", "-qh", "x.socket")]
    public void Help_for_a_verb_is_printed_by_the_full_tree(params string[] args)
    {
        using var root = new TempRoot();
        CommandResult help = Cli.Run(root, args);
        Assert.True(help is { ExitCode: 0, StdErr: "" }, help.ToString());
        Assert.Equal("Description:", help.StdOutLines[0]);
        Assert.Equal("  Check whether units are active", help.StdOutLines[1]);
        Assert.Contains(IsActiveUsage, help.StdOutLines);
        Assert.Contains("  -?, -h, --help         Show help and usage information", help.StdOutLines);
    }

    [Theory]
    [InlineData("Required argument missing for command: 'is-active'.\nSee 'summon --help'.\n", "is-active")]
    [InlineData("Required argument missing for option: '-p'.\nSee 'summon --help'.\n", "show", "-p")]
    [InlineData("Unrecognized command or argument 'bogus'.\nSee 'summon --help'.\n", "bogus")]
    public void Parse_errors_are_one_line_from_the_full_tree_and_where_to_look(string stderr, params string[] args)
    {
        using var root = new TempRoot();
        CommandResult result = Cli.Run(root, args);
        Assert.True(result is { ExitCode: 1, StdOut: "" } && result.StdErr == stderr, result.ToString());
    }

    [Fact]
    public void A_plain_verb_line_without_a_manager_fails_to_connect()
    {
        using var root = new TempRoot();
        CommandResult result = Cli.Run(root, "is-active", "x.socket");
        Assert.True(result is { ExitCode: 1, StdOut: "" }, result.ToString());
        string line = Assert.Single(result.StdErrLines);
        Assert.StartsWith("Failed to connect to the summon manager at ", line);
        Assert.EndsWith("/control: No such file or directory. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?", line);
    }
}
