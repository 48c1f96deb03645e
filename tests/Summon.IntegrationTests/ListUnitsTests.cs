using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// list-units and list-sockets through the systemctl name: systemd 252's filters (--type, --state, --failed, --all,
/// patterns), its table with the ● column, legend and counts, --plain/--no-legend as bash completion calls them,
/// -o json and json-pretty, and bare `systemctl` listing units.
/// </summary>
public sealed class ListUnitsTests
{
    [Fact]
    public async Task List_units_filters_and_prints_like_systemctl()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        root.WriteUnit("fail.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        string systemctl = MultiCallLinks.Create(root, "systemctl");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);
        Assert.Equal(1, Cli.Run(root, "start", "fail.service").ExitCode);
        CommandResult Run(params string[] args) => Cli.RunProgram(root, systemctl, null, args);

        const string Legend =
            "\nLOAD   = Reflects whether the unit definition was properly loaded.\n" +
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n" +
            "SUB    = The low-level unit activation state, values depend on unit type.\n";
        // Sorted by type, then name; the failed unit gets the mark; the targets the boot reached are units too.
        const string Rows =
            "  UNIT              LOAD   ACTIVE SUB       DESCRIPTION\n" +
            "● fail.service      loaded failed failed    fail.service\n" +
            "  demo-echo.socket  loaded active listening Socket unit for demo-echo\n" +
            "  basic.target      loaded active active    Basic System\n" +
            "  local-fs.target   loaded active active    Local File Systems\n" +
            "  multi-user.target loaded active active    Multi-User System\n" +
            "  paths.target      loaded active active    Path Units\n" +
            "  slices.target     loaded active active    Slice Units\n" +
            "  sockets.target    loaded active active    Socket Units\n" +
            "  swap.target       loaded active active    Swaps\n" +
            "  sysinit.target    loaded active active    System Initialization\n" +
            "  timers.target     loaded active active    Timer Units\n";
        CommandResult list = Run("list-units");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(Rows + Legend + "11 loaded units listed. Pass --all to see loaded but inactive units, too.\n"
            + "To show all installed unit files use 'systemctl list-unit-files'.\n", list.StdOut);
        Assert.Equal(list.StdOut, Run().StdOut);

        CommandResult failed = Run("list-units", "--failed");
        Assert.Equal("  UNIT         LOAD   ACTIVE SUB    DESCRIPTION\n● fail.service loaded failed failed fail.service\n"
            + Legend + "1 loaded units listed.\n", failed.StdOut);
        Assert.Equal(failed.StdOut, Run("--state=failed").StdOut);

        CommandResult sockets = Run("list-units", "--type=socket", "--no-legend", "--plain");
        Assert.True(sockets is { ExitCode: 0, StdOut: "demo-echo.socket loaded active listening Socket unit for demo-echo\n" }, sockets.ToString());
        Assert.Equal(sockets.StdOut, Run("list-units", "--state=listening,nothing", "--no-legend", "--plain").StdOut);
        Assert.Equal(sockets.StdOut, Run("list-units", "demo-*", "--no-legend", "--plain").StdOut);

        // Debian's bash completion: every loaded unit, first column the name.
        CommandResult completion = Run("list-units", "--full", "--all", "--plain", "--no-legend");
        Assert.True(completion.ExitCode == 0, completion.ToString());
        Assert.Equal(["fail.service", "demo-echo.socket"], completion.StdOutLines.Select(l => l.Split(' ')[0]).Where(n => n != "demo-echo@.service" && !n.EndsWith(".target", StringComparison.Ordinal)));
        Assert.Contains("multi-user.target", completion.StdOutLines.Select(l => l.Split(' ')[0]));

        CommandResult none = Run("list-units", "--type=mount");
        Assert.Equal("  UNIT LOAD ACTIVE SUB DESCRIPTION\n0 loaded units listed. Pass --all to see loaded but inactive units, too.\n"
            + "To show all installed unit files use 'systemctl list-unit-files'.\n", none.StdOut);

        CommandResult json = Run("list-units", "-o", "json", "fail.service", "demo-*");
        Assert.Equal("""[{"unit":"fail.service","load":"loaded","active":"failed","sub":"failed","description":"fail.service"},{"unit":"demo-echo.socket","load":"loaded","active":"active","sub":"listening","description":"Socket unit for demo-echo"}]""" + "\n", json.StdOut);
        CommandResult pretty = Run("list-units", "-o", "json-pretty", "--failed");
        Assert.Equal("[\n\t{\n\t\t\"unit\" : \"fail.service\",\n\t\t\"load\" : \"loaded\",\n\t\t\"active\" : \"failed\",\n\t\t\"sub\" : \"failed\",\n\t\t\"description\" : \"fail.service\"\n\t}\n]\n", pretty.StdOut);

        foreach (string output in (string[])["cat", "short-iso"])
        {
            CommandResult refused = Run("list-units", "-o", output);
            Assert.True(refused is { ExitCode: 1, StdOut: "" } && refused.StdErrLines.SequenceEqual([$"Unknown output '{output}' for list-units: use short, json or json-pretty."]), refused.ToString());
        }
        CommandResult badType = Run("list-units", "--type=sockets");
        Assert.True(badType is { ExitCode: 1, StdOut: "" } && badType.StdErrLines.Length == 1, badType.ToString());
    }

    [Fact]
    public async Task List_sockets_takes_the_same_options()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        string path = Path.Combine(root.RuntimeDir, "other.sock");
        root.WriteUnit("other.socket", $"[Socket]\nListenDatagram={path}\nListenStream=127.0.0.1:{FreePort.Tcp()}\n");
        root.WriteUnit("other.service", "[Service]\nExecStart=/bin/true\n");
        string systemctl = MultiCallLinks.Create(root, "systemctl");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);
        CommandResult Run(params string[] args) => Cli.RunProgram(root, systemctl, null, args);
        Assert.True(Cli.Run(root, "start", "other.socket").ExitCode == 0);

        CommandResult text = Run("list-sockets", "demo-*");
        Assert.Equal(
            $"LISTEN          UNIT             ACTIVATES\n127.0.0.1:{port} demo-echo.socket -\n\n1 sockets listed.\nPass --all to see loaded but inactive sockets, too.\n",
            text.StdOut);
        CommandResult json = Run("list-sockets", "-o", "json", "--show-types", "demo-*");
        Assert.Equal($$"""[{"listen":"127.0.0.1:{{port}}","type":"Stream","unit":"demo-echo.socket","activates":null}]""" + "\n", json.StdOut);

        // Addresses before paths; both of other.socket's rows name the service it activates.
        CommandResult all = Run("list-sockets", "--no-legend", "--show-types", "other.socket");
        Assert.Equal(2, all.StdOutLines.Length);
        Assert.StartsWith("127.0.0.1:", all.StdOutLines[0]);
        Assert.StartsWith(path + " Datagram ", all.StdOutLines[1]);
        Assert.All(all.StdOutLines, l => Assert.EndsWith(" other.socket other.service", l));

        CommandResult refused = Run("list-sockets", "-o", "cat");
        Assert.True(refused is { ExitCode: 1, StdOut: "" } && refused.StdErrLines.Length == 1, refused.ToString());
    }
}
