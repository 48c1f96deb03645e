using Summon.Control;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>The control socket answers root and the manager's own user only (SO_PEERCRED), whatever its file mode.</summary>
public sealed class ControlAccessTests
{
    private const string Unit = DemoUnits.SocketName;

    [RootFact]
    public async Task Another_user_is_refused_in_one_line_and_the_manager_serves_on()
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        // Past the socket's mode (0600): the peer check is what is tested.
        File.SetUnixFileMode(root.ControlSocket, (UnixFileMode)Convert.ToInt32("666", 8));

        CommandResult nobody = Command.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", SummonBinary.Path, "is-active", Unit], root.Environment);

        Assert.True(nobody.ExitCode != 0, nobody.ToString());
        Assert.Equal(ControlRefusals.AccessDenied + "\n", nobody.StdErr);
        Assert.Equal("", nobody.StdOut);
        Assert.Equal("active", Cli.IsActive(root, Unit));
    }
}
