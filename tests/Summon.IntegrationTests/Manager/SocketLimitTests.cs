using System.Net;
using System.Net.Sockets;
using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.IntegrationTests.Manager;

/// <summary>
/// TriggerLimitIntervalSec=/TriggerLimitBurst=, the service's start limit seen from its socket, and
/// MaxConnectionsPerSource= on a real manager with real sockets on 127.0.0.1 and a fake clock.
/// </summary>
public sealed class SocketLimitTests : IDisposable
{
    private readonly ManagerHarness _h = new();
    private readonly List<Socket> _clients = [];

    public void Dispose()
    {
        _clients.ForEach(c => c.Dispose());
        _h.Dispose();
    }

    private Socket Connect(int port, string from = "127.0.0.1")
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _clients.Add(client);
        client.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    [Fact]
    public void PollLimitBurst_pauses_polling_until_the_window_ends_and_never_fails_the_socket()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("poll.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nPollLimitIntervalSec=10s\nPollLimitBurst=2\n");
        _h.WriteUnit("poll@.service", "[Service]\nExecStart=/bin/true\nStandardInput=socket\n");
        var socket = _h.Socket("poll.socket");
        Assert.True(_h.Start("poll.socket").Success);

        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 1));
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 2));

        // The third wake-up in the window is over the limit: the fd is not polled, the connection waits in the backlog.
        Connect(port);
        for (int i = 0; i < 25; i++)
            _h.Loop.RunOnce(20);   // half a second of real time, none of the fake clock
        Assert.Equal((2u, SocketState.Listening, "success"), (socket.NAccepted, socket.State, socket.Result));

        // Once the window has passed, polling resumes and the waiting connection is served.
        _h.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 3));
        Assert.Equal((SocketState.Listening, "success"), (socket.State, socket.Result));
    }

    [Fact]
    public void Accept_no_service_that_never_accepts_hits_TriggerLimitBurst()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("trig.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nTriggerLimitIntervalSec=2s\nTriggerLimitBurst=2\n");
        _h.WriteUnit("trig.service", "[Service]\nExecStart=/bin/true\n");
        var socket = _h.Socket("trig.socket");
        Assert.True(_h.Start("trig.socket").Success);
        Assert.Equal(SocketState.Listening, socket.State);

        // The pending connection is never accepted: each time the service ends the socket listens again, is
        // readable at once and triggers again, all at the same instant of the fake clock.
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed));
        var service = _h.Service("trig.service");
        Assert.Equal(
            (UnitActiveState.Failed, "failed", "trigger-limit-hit", ServiceState.Dead),
            (socket.ActiveState, socket.SubState, socket.Result, service.State));
        Assert.Equal(
            [
                $"Listening on trig.socket.",
                "trig.socket: Trigger limit hit, refusing further activation.",
                "trig.socket: Failed with result 'trigger-limit-hit'.",
            ],
            _h.Lines("trig.socket"));
        Assert.Equal(2, _h.Lines("trig.service").Count(l => l == "Started trig.service."));

        // Failed means closed: nothing listens on the port any more.
        var refused = Assert.Throws<SocketException>(() => Connect(port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        // Time alone does not bring it back...
        _h.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SocketState.Failed, socket.State);

        // ...reset-failed does, and the limit starts from zero.
        _h.Manager.ResetFailed("trig.socket");
        Assert.Equal((SocketState.Dead, "success"), (socket.State, socket.Result));
        Assert.True(_h.Start("trig.socket").Success);
        Assert.Equal(SocketState.Listening, socket.State);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Triggers_further_apart_than_TriggerLimitIntervalSec_are_not_limited()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("spread.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nTriggerLimitIntervalSec=2s\nTriggerLimitBurst=1\n");
        // The service never accepts and runs until it is stopped; each start consumes one trigger.
        _h.WriteUnit("spread.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        var socket = _h.Socket("spread.socket");
        var service = _h.Service("spread.service");
        Assert.True(_h.Start("spread.socket").Success);

        for (int i = 0; i < 3; i++)
        {
            using (var client = Connect(port))
            {
                Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running), $"round {i}");
                Assert.Equal(SocketState.Running, socket.State);
            }

            _h.Manager.Stop("spread.service");
            Assert.True(_h.PumpUntil(() => service.State is ServiceState.Dead or ServiceState.Failed, tick: TimeSpan.FromMilliseconds(50)));
            Assert.Equal(SocketState.Listening, socket.State);
            _h.Advance(TimeSpan.FromSeconds(3));
        }

        // Each closed client stays in the backlog (never accepted), so every stop re-triggered the service when the
        // clock moved on: starts at t=0, 3, 6 and 9 s, each in a window of its own.
        Assert.Equal((SocketState.Running, ServiceState.Running), (socket.State, service.State));
        Assert.Equal(4, _h.Lines("spread.service").Count(l => l == "Started spread.service."));
        Assert.DoesNotContain("spread.socket: Trigger limit hit, refusing further activation.", _h.Lines("spread.socket"));

        // A stop that re-triggers within the same 2 s window is one trigger too many.
        _h.Manager.Stop("spread.service");
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Equal("trigger-limit-hit", socket.Result);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Service_start_limit_fails_the_socket_with_service_start_limit_hit()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("sl.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nTriggerLimitBurst=100\n");
        _h.WriteUnit("sl.service", "[Unit]\nStartLimitIntervalSec=10s\nStartLimitBurst=2\n[Service]\nExecStart=/bin/true\n");
        var socket = _h.Socket("sl.socket");
        Assert.True(_h.Start("sl.socket").Success);

        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed));
        var service = _h.Service("sl.service");
        Assert.Equal(("service-start-limit-hit", "start-limit-hit"), (socket.Result, service.Result));
        Assert.Equal(
            [
                "sl.service: Start request repeated too quickly.",
                "sl.service: Failed with result 'start-limit-hit'.",
                "Failed to start sl.service.",
            ],
            _h.Lines("sl.service").TakeLast(3));
        Assert.Equal("sl.socket: Failed with result 'service-start-limit-hit'.", _h.Lines("sl.socket").Last());

        _h.Manager.ResetFailed(null);
        Assert.Equal((SocketState.Dead, ServiceState.Dead), (socket.State, service.State));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Accept_yes_MaxConnectionsPerSource_counts_live_connections_per_peer_address()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("per.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnectionsPerSource=2\n");
        _h.WriteUnit("per@.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        var socket = _h.Socket("per.socket");
        Assert.True(_h.Start("per.socket").Success);

        Connect(port);
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 2));
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NRefused == 1));
        Assert.Equal((2u, 2u, 1u), (socket.NAccepted, socket.NConnections, socket.NRefused));
        Assert.Equal("per.socket: Too many incoming connections (2) from source 127.0.0.1, dropping connection.", _h.Lines("per.socket").Last());

        // Another source is counted on its own.
        Connect(port, from: "127.0.0.2");
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 3));
        Assert.Equal((3u, 1u), (socket.NConnections, socket.NRefused));

        // When one instance from 127.0.0.1 ends, that source may connect once more.
        var first = _h.Manager.Units.OfType<ServiceUnit>().Single(s => s.Id.StartsWith("per@0-", StringComparison.Ordinal));
        _h.Manager.Stop(first.Id);
        Assert.True(_h.PumpUntil(() => socket.NConnections == 2, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Equal(ServiceState.Dead, first.State);
        Assert.DoesNotContain(first, _h.Manager.Units);   // a dead per-connection instance is garbage-collected
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 4));
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NRefused == 2));
        Assert.Equal((4u, 3u, 2u, SocketState.Listening), (socket.NAccepted, socket.NConnections, socket.NRefused, socket.State));
        Assert.Empty(_h.Errors);
    }
}
