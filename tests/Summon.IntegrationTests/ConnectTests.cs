using System.Diagnostics;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// `summon connect TARGET`, the client the demo prints so that a fresh machine needs no nc: standard input to the
/// socket with a half-close at its end, the peer's bytes to standard output, the end when the peer closes.
/// </summary>
public sealed class ConnectTests
{
    [Fact]
    public async Task Connect_echoes_over_tcp_ipv6_and_a_unix_path()
    {
        using var root = new TempRoot();
        int port4 = FreePort.Tcp();
        int port6 = FreePort.Tcp(System.Net.IPAddress.IPv6Loopback);
        string path = Path.Combine(root.RuntimeDir, "echo.sock");
        root.WriteUnit(DemoUnits.SocketName, DemoUnits.Socket($"127.0.0.1:{port4}", $"ListenStream=[::1]:{port6}\nListenStream={path}\n"));
        root.WriteUnit(DemoUnits.TemplateName, DemoUnits.Service);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName).ExitCode);

        // cat answers only what it read and ends only at EOF: the answer proves the half-close, the exit the peer's close.
        string input = string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i} of a request longer than one segment\n"));
        foreach (string target in (string[])[$"127.0.0.1:{port4}", $"[::1]:{port6}", $"localhost:{port4}", path])
        {
            CommandResult echo = Cli.RunWithInput(root, input, "connect", target);
            Assert.True(echo is { ExitCode: 0, StdErr: "" } && echo.StdOut == input, $"{target}: {echo.ExitCode} {echo.StdErr}");
        }

        Assert.Equal("4", await Wait.ForAsync(() => Cli.ShowOne(root, DemoUnits.SocketName, "NAccepted"), v => v == "4"));
    }

    [Fact]
    public async Task Connect_ends_when_the_peer_closes_although_stdin_stays_open()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("hello.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        root.WriteUnit("hello@.service", "[Service]\nExecStart=/bin/echo hello\nStandardInput=socket\nStandardOutput=socket\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "hello.socket").ExitCode);

        var startInfo = new ProcessStartInfo(SummonBinary.Path, ["connect", $"127.0.0.1:{port}"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var client = Process.Start(startInfo)!;
        Task<string> stdout = client.StandardOutput.ReadToEndAsync();
        Task<string> stderr = client.StandardError.ReadToEndAsync();
        try
        {
            bool exited = await Wait.UntilAsync(() => client.HasExited, TimeSpan.FromSeconds(30));
            Assert.True(exited, "summon connect still running after the peer closed");
            Assert.Equal((0, "hello\n", ""), (client.ExitCode, await stdout, await stderr));
        }
        finally
        {
            if (!client.HasExited)
            {
                client.Kill();
            }
        }
    }

    [Fact]
    public void Connect_failures_are_one_line()
    {
        using var root = new TempRoot();
        int closed = FreePort.Tcp();
        CommandResult refused = Cli.Run(root, "connect", $"127.0.0.1:{closed}");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            [$"summon connect: cannot connect to 127.0.0.1:{closed}: Connection refused. Is the socket unit listening there (summon list-sockets)?"],
            refused.StdErrLines);

        foreach (string bad in (string[])["9091", "127.0.0.1", "127.0.0.1:http", "::1:9091", "127.0.0.1:70000"])
        {
            CommandResult result = Cli.Run(root, "connect", bad);
            Assert.True(result.ExitCode == 1 && result.StdErrLines.Length == 1, result.ToString());
            Assert.StartsWith($"summon connect: '{bad}' is not HOST:PORT, [IPV6]:PORT or a Unix socket path", result.StdErr);
        }

        string nothing = Path.Combine(root.RuntimeDir, "nothing.sock");
        CommandResult missing = Cli.Run(root, "connect", nothing);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Equal(
            [$"summon connect: cannot connect to {nothing}: No such file or directory. Is the socket unit listening there (summon list-sockets)?"],
            missing.StdErrLines);
    }
}
