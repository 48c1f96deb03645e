using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The CLI speaks in the name it was called by: `--version` as systemd's tools print it, usage lines and hints that
/// name systemctl/journalctl under those names, one line for a command line that does not parse, `help VERB`.
/// </summary>
public sealed class CliMannersTests
{
    private static string Link(TempRoot root, string name)
    {
        string path = Path.Combine(root.Dir, "bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, SummonBinary.Path);
        return path;
    }

    [Fact]
    public void Version_under_systemd_names_is_the_line_scripts_parse()
    {
        using var root = new TempRoot();
        foreach (string name in (string[])["systemctl", "journalctl"])
        {
            CommandResult version = Cli.RunProgram(root, Link(root, name), null, "--version");
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.Matches(new Regex(@"^systemd 252 \(summon \d+\.\d+\.\d+\)$"), version.StdOutLines[0]);
        }
        CommandResult own = Cli.Run(root, "--version");
        Assert.True(own.ExitCode == 0 && !own.StdOut.StartsWith("systemd", StringComparison.Ordinal), own.ToString());
    }

    [Fact]
    public void A_command_line_that_does_not_parse_is_one_line_and_where_to_look()
    {
        using var root = new TempRoot();
        CommandResult bogus = Cli.Run(root, "bogus");
        Assert.True(bogus is { ExitCode: 1, StdOut: "", StdErr: "Unrecognized command or argument 'bogus'.\nSee 'summon --help'.\n" }, bogus.ToString());
        CommandResult start = Cli.RunProgram(root, Link(root, "systemctl"), null, "start");
        Assert.True(start is { ExitCode: 1, StdOut: "", StdErr: "Required argument missing for command: 'start'.\nSee 'systemctl --help'.\n" }, start.ToString());
        CommandResult journal = Cli.RunProgram(root, Link(root, "journalctl"), null, "--bogus");
        Assert.True(journal is { ExitCode: 1, StdOut: "", StdErr: "Unrecognized command or argument '--bogus'.\nSee 'journalctl --help'.\n" }, journal.ToString());
    }

    [Fact]
    public void Help_verb_and_usage_lines_use_the_name_typed()
    {
        using var root = new TempRoot();
        CommandResult help = Cli.Run(root, "help", "start");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Equal(Cli.Run(root, "start", "--help").StdOut, help.StdOut);
        Assert.Contains("summon start", help.StdOut);

        CommandResult journalctl = Cli.RunProgram(root, Link(root, "journalctl"), null, "--help");
        Assert.True(journalctl.ExitCode == 0, journalctl.ToString());
        Assert.Contains("  journalctl [options]", journalctl.StdOutLines);
        Assert.DoesNotContain("journalctl journal", journalctl.StdOut);
    }

    [Fact]
    public async Task Hints_name_the_tools_the_user_typed()
    {
        using var root = new TempRoot();
        root.WriteUnit("f.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        CommandResult viaSystemctl = Cli.RunProgram(root, Link(root, "systemctl"), null, "start", "f.service");
        Assert.True(viaSystemctl.ExitCode == 1, viaSystemctl.ToString());
        Assert.Contains("See \"systemctl status f.service\" and \"journalctl -xeu f.service\" for details.", viaSystemctl.StdErrLines);
        CommandResult viaSummon = Cli.Run(root, "start", "f.service");
        Assert.Contains("See \"summon status f.service\" and \"summon journal -xeu f.service\" for details.", viaSummon.StdErrLines);
    }
}
