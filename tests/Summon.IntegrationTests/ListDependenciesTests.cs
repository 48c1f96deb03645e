using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>`systemctl list-dependencies` through the systemctl name: the tree, targets last, each unit's state glyph.</summary>
public sealed class ListDependenciesTests
{
    [Fact]
    public async Task Prints_the_tree_of_wants_and_requires_with_state_glyphs()
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        root.WriteUnit("default.target", "[Unit]\nDescription=Default\nWants=sockets.target multi-user.target\n");
        root.WriteUnit("sockets.target", "[Unit]\nDescription=Sockets\n");
        root.WriteUnit("multi-user.target", "[Unit]\nDescription=Multi-User\n");
        root.WriteUnit("idle.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
        string systemctl = MultiCallLinks.Create(root, "systemctl");
        foreach (string unit in (string[])[DemoUnits.SocketName, "idle.service"])
            Assert.Equal(0, Cli.Run(root, "enable", unit).ExitCode);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        // Targets are units: the boot's start of default.target left them active.
        const string Expected =
            "default.target\n" +
            "● ├─multi-user.target\n" +
            "○ │ └─idle.service\n" +
            "● └─sockets.target\n" +
            "●   └─demo-echo.socket\n";
        CommandResult tree = await Wait.ForAsync(() => Cli.RunProgram(root, systemctl, null, "list-dependencies"), r => r.StdOut == Expected);
        Assert.True(tree is { ExitCode: 0, StdOut: Expected, StdErr: "" }, tree.ToString());

        CommandResult one = Cli.RunProgram(root, systemctl, null, "list-dependencies", "sockets.target");
        Assert.True(one is { ExitCode: 0, StdOut: "sockets.target\n● └─demo-echo.socket\n" }, one.ToString());
    }
}
