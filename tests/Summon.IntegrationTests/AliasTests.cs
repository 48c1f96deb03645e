using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>An alias symlink in the unit path names the same unit: start/show/status by the alias act on the target.</summary>
public sealed class AliasTests
{
    [Fact]
    public async Task Start_and_show_by_alias_resolve_to_the_target_unit()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("real.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit("real.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "nick.socket"), "real.socket");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "nick.socket");
        Assert.True(start is { ExitCode: 0, StdOut: "", StdErr: "" }, start.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["Id"] = "real.socket", ["Names"] = "real.socket nick.socket", ["SubState"] = "listening" },
            Cli.Show(root, "nick.socket", "Id", "Names", "SubState"));
        Assert.Equal("listening", Cli.ShowOne(root, "real.socket", "SubState"));
    }
}
