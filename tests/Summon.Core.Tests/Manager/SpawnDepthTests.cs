using System.Net;
using System.Net.Sockets;
using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The spawn depth as back-pressure on accepting: an Accept=yes socket whose children are still before execve, as
/// many as the depth, leaves new connections in the kernel backlog and looks again on a timer; a child that execs lets
/// the next connection in, oldest first. Fake children held before exec, a fake clock, real sockets.
/// </summary>
public sealed class SpawnDepthTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new() { SpawnDepth = 2 };
    private readonly ManagerHarness _h;

    public SpawnDepthTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Accept_yes_socket_at_the_spawn_depth_stops_accepting_and_takes_the_backlog_in_order_as_children_exec()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("held.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("held@.service", "[Service]\nExecStart=/fake/held\nStandardInput=socket\n");
        var socket = _h.Socket("held.socket");
        Assert.True(_h.Start("held.socket").Success);

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 5; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            }

            Assert.True(_h.PumpUntil(() => socket.NAccepted == 2));
            _h.Pump();
            Assert.Equal(2u, socket.NAccepted);

            // Paused, the socket is not polled at all until its retry timer: no spin while children are held.
            int asked = _processes.DepthQueries;
            _h.Pump();
            Assert.Equal(asked, _processes.DepthQueries);
            _h.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(_processes.DepthQueries > asked);
            Assert.Equal(2u, socket.NAccepted);

            _processes.Started[0].ReachExec();
            Assert.True(_h.PumpUntil(() => socket.NAccepted == 3, TimeSpan.FromMilliseconds(1)));
            _h.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(3u, socket.NAccepted);

            _processes.Started[1].ReachExec();
            _processes.Started[2].ReachExec();
            Assert.True(_h.PumpUntil(() => socket.NAccepted == 5, TimeSpan.FromMilliseconds(1)));

            // Oldest connection first: instance n carries the n-th client's port.
            string[] expected = [.. clients.Select(c => $"-127.0.0.1:{((IPEndPoint)c.LocalEndPoint!).Port}.service")];
            string[] instances = [.. socket.Instances.Select(s => s.Id)];
            Assert.Equal(5, instances.Length);
            for (int i = 0; i < 5; i++)
                Assert.EndsWith(expected[i], instances[i], StringComparison.Ordinal);
            Assert.Empty(_h.Errors);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }
}
