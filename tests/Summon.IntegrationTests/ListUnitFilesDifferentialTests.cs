using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// list-unit-files against the installed `systemctl --root=DIR` on the trees of <see cref="InstallDifferentialTests"/>:
/// the same table, legend, JSON and exit status (systemd 252 reads no preset file there, as summon never does).
/// </summary>
public sealed class ListUnitFilesDifferentialTests
{
    private static readonly string? s_systemctl = new[] { "/usr/bin/systemctl", "/bin/systemctl" }.FirstOrDefault(File.Exists);

    public static TheoryData<string> Sequences => new()
    {
        "list-unit-files",
        "enable foo.socket|enable t@x.service|list-unit-files",
        "list-unit-files --type=service --state=static,masked",
        "list-unit-files -t socket,target",
        "list-unit-files --state=disabled --state=alias",
        "list-unit-files foo* *@*",
        "enable a.service|list-unit-files --full --no-legend --no-pager --plain",
        "list-unit-files -o json",
        "list-unit-files -o json-pretty --state=static",
        "list-unit-files --state=nothing",
        "list-unit-files --type=nothing",
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Agrees_with_systemctl_root(string sequence)
    {
        if (s_systemctl is null)
            return;
        using var root = new TempRoot();
        string theirs = InstallDifferentialTests.Tree(root, "theirs");
        string ours = InstallDifferentialTests.Tree(root, "ours");
        var env = new Dictionary<string, string>(root.Environment)
        {
            ["SUMMON_UNIT_PATH"] = $"{ours}/etc/systemd/system:{ours}/run/systemd/system:{ours}/usr/lib/systemd/system",
        };
        foreach (string[] args in sequence.Split('|').Select(step => step.Split(' ')))
        {
            CommandResult a = Command.Run(s_systemctl, [$"--root={theirs}", .. args], root.Environment);
            CommandResult b = Command.Run(SummonBinary.Path, args, env);
            if (args[0] == "list-unit-files" && args.Contains("--type=nothing"))
            {
                // systemctl words it on two lines; ours is one line naming the same fix.
                Assert.Equal((1, ""), (a.ExitCode, a.StdOut));
                Assert.True(b is { ExitCode: 1, StdOut: "" } && b.StdErrLines.Length == 1, b.ToString());
                continue;
            }
            Assert.Equal(InstallDifferentialTests.Normalize(a, theirs), InstallDifferentialTests.Normalize(b, ours));
        }
    }

    [Fact]
    public void Unknown_output_is_refused_in_one_line()
    {
        using var root = new TempRoot();
        CommandResult r = Cli.Run(root, "list-unit-files", "-o", "cat");
        Assert.True(r is { ExitCode: 1, StdOut: "" } && r.StdErrLines.SequenceEqual(["Unknown output 'cat' for list-unit-files: use short, json or json-pretty."]), r.ToString());
    }
}
