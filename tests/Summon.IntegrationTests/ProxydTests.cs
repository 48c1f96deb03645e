using System.Net;
using System.Net.Sockets;
using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// systemd's own socket-activated daemon, systemd-socket-proxyd, runs unchanged as an Accept=no service under Summon
/// and forwards to a backend: it only works if it got its listener through LISTEN_FDS with LISTEN_PID == its pid.
/// </summary>
public sealed class ProxydTests
{
    private const string Socket = "proxy.socket";
    private const string Service = "proxy.service";

    [Fact]
    public async Task Client_gets_through_the_proxy_on_the_first_connect()
    {
        Assert.True(File.Exists(TestPrograms.SocketProxyd), $"{TestPrograms.SocketProxyd} is missing (package systemd)");
        using var backend = new EchoBackend("backend says: ");
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, $"[Unit]\nDescription=Proxy socket\n\n[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit(Service,
            $"[Unit]\nDescription=Proxy to the backend\n\n[Service]\nExecStart={TestPrograms.SocketProxyd} 127.0.0.1:{backend.Port}\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);
        Assert.Equal("inactive", Cli.IsActive(root, Service));

        // The very first client: the manager starts proxyd with the socket, proxyd accepts it and connects onwards.
        // No -N: proxyd closes both sides on the first EOF, so the client must not half-close before the reply.
        CommandResult first = Cli.RunProgram(root, "nc", "through the proxy\n", "127.0.0.1", port.ToString());
        Assert.True(first is { ExitCode: 0, StdOut: "backend says: through the proxy\n" }, first.ToString() + "\n[log]\n" + daemon.Log);
        Assert.Equal(1, backend.Connections);

        string mainPid = Cli.ShowOne(root, Service, "MainPID");
        Assert.Equal("active (running)", StatusText.Active(StatusText.Of(root, Service)));
        Assert.Equal("systemd-socket-", ProcFs.Stat(int.Parse(mainPid))?.Comm);   // comm is cut at 15 bytes
        Assert.Equal("running", Cli.ShowOne(root, Socket, "SubState"));
        await AcceptTests.AssertJournalHasAsync(root, Service, "Started proxy.service - Proxy to the backend.", daemon.Pid);

        // A second client goes through the same proxy process.
        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, port))
        {
            client.Send("second\n"u8.ToArray());
            Assert.Equal("backend says: second\n", Clients.ReadToEnd(client));
        }

        Assert.Equal(mainPid, Cli.ShowOne(root, Service, "MainPID"));
        Assert.Equal(2, backend.Connections);

        // Stopped, the proxy gives the socket back; the next client starts a fresh proxy.
        Assert.Equal(0, Cli.Run(root, "stop", Service).ExitCode);
        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        CommandResult third = Cli.RunProgram(root, "nc", "again\n", "127.0.0.1", port.ToString());
        Assert.True(third is { ExitCode: 0, StdOut: "backend says: again\n" }, third.ToString());
        string secondPid = Cli.ShowOne(root, Service, "MainPID");
        Assert.NotEqual(mainPid, secondPid);

        // The manager's SIGTERM stops the proxy with it.
        Assert.Equal(0, await daemon.StopAsync());
        Assert.False(await Wait.ForAsync(() => ProcFs.IsAlive(int.Parse(secondPid)), alive => !alive), $"proxy {secondPid} survived");
    }

    /// <summary>
    /// A TCP backend in the test process: each connection gets <c>prefix</c> + its first line, then is closed.
    /// It counts connections, so the test knows the bytes really went through it.
    /// </summary>
    private sealed class EchoBackend : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly string _prefix;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _connections;

        public EchoBackend(string prefix)
        {
            _prefix = prefix;
            _listener.Start();
            _loop = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => Serve(client));
            }
        }

        private void Serve(Socket client)
        {
            using (client)
            {
                try
                {
                    client.ReceiveTimeout = (int)Clients.ReceiveTimeout.TotalMilliseconds;
                    var line = new List<byte>();
                    var one = new byte[1];
                    while (client.Receive(one) == 1)
                    {
                        line.Add(one[0]);
                        if (one[0] == (byte)'\n')
                        {
                            break;
                        }
                    }

                    client.Send(Encoding.UTF8.GetBytes(_prefix + Encoding.UTF8.GetString([.. line])));
                    client.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // The test sees the missing reply.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }
    }
}
