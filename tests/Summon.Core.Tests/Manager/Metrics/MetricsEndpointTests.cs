using System.Net;
using System.Net.Sockets;
using System.Text;
using Summon.Manager;
using Summon.Manager.Metrics;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Metrics;

/// <summary>
/// The endpoint on the manager's loop, with real loopback clients and a fake clock for its deadlines: hostile clients
/// (half a request and silence, a response never read, a thousand at once) cost the loop nothing while another client
/// is served, and the probes answer from the units' states.
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private readonly MetricsEndpoint _endpoint;
    private readonly int _port = ManagerHarness.FreePort();
    private readonly List<Socket> _clients = [];

    public MetricsEndpointTests()
    {
        _h = new ManagerHarness(_processes);
        _h.WriteUnit("ready.service", "[Service]\nType=notify\nExecStart=/fake/run\nWatchdogSec=5s\n[X-Summon]\nRequiredForReadiness=yes\n");
        _endpoint = MetricsEndpoint.Start(new ManagerHost.MetricsOptions($"127.0.0.1:{_port}"), _h.Loop, _h.Manager);
    }

    public void Dispose()
    {
        _clients.ForEach(c => c.Dispose());
        _endpoint.Dispose();
        _h.Dispose();
    }

    private Socket Connect()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _clients.Add(client);
        client.Connect(new IPEndPoint(IPAddress.Loopback, _port));
        client.Blocking = false;
        return client;
    }

    /// <summary>Sends <paramref name="request"/> and pumps the loop until a whole response (by Content-Length) came back.</summary>
    private string Get(Socket client, string request)
    {
        client.Send(Encoding.ASCII.GetBytes(request));
        var received = new MemoryStream();
        var buffer = new byte[65536];
        string? text = null;
        Assert.True(_h.PumpUntil(() =>
        {
            while (client.Available > 0)
                received.Write(buffer, 0, client.Receive(buffer));
            text = Encoding.UTF8.GetString(received.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
                return false;
            var length = System.Text.RegularExpressions.Regex.Match(text, "Content-Length: (\\d+)");
            return text.Length - end - 4 >= int.Parse(length.Groups[1].Value);
        }), $"no whole response to {request.Split('\r')[0]}; got: {text}");
        return text!;
    }

    private string Get(string path) => Get(Connect(), $"GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n");

    [Fact]
    public void Readyz_waits_for_the_boot_and_for_READY_of_a_required_notify_service()
    {
        string before = Get("/readyz");
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", before);
        Assert.Contains("boot: the start job of default.target is still running\n", before);

        _h.Manager.StartEnabledUnits();
        Assert.True(_h.PumpUntil(() => _h.Manager.BootEnded));
        var service = _h.Service("ready.service");
        var job = _h.Manager.StartJob("ready.service");
        Assert.True(_h.PumpUntil(() => service.ActiveState == UnitActiveState.Activating));
        string activating = Get("/readyz");
        Assert.StartsWith("HTTP/1.1 503", activating);
        Assert.EndsWith("ready.service: activating (start)\n", activating);

        service.OnNotify(new Summon.Sockets.NotifyMessage(_processes.Last!.Pid, 0, "READY=1", []));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        string ready = Get("/readyz");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", ready);
        Assert.EndsWith("\r\n\r\nok\n", ready);
    }

    [Fact]
    public void Livez_fails_from_a_watchdog_expiry_until_the_service_is_active_again()
    {
        Assert.StartsWith("HTTP/1.1 200 OK", Get("/livez"));
        var service = _h.Service("ready.service");
        var job = _h.Manager.StartJob("ready.service");
        Assert.True(_h.PumpUntil(() => service.ActiveState == UnitActiveState.Activating));
        service.OnNotify(new Summon.Sockets.NotifyMessage(_processes.Last!.Pid, 0, "READY=1", []));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));

        _h.Advance(TimeSpan.FromSeconds(6));   // no WATCHDOG=1 within WatchdogSec=5s
        string dead = Get("/livez");
        Assert.StartsWith("HTTP/1.1 503", dead);
        Assert.Contains("ready.service: watchdog expired at ", dead);

        Assert.True(_h.PumpUntil(() => service.ActiveState is UnitActiveState.Failed or UnitActiveState.Inactive, tick: TimeSpan.FromMilliseconds(50)));
        Assert.StartsWith("HTTP/1.1 503", Get("/livez"));
        var again = _h.Manager.StartJob("ready.service");
        Assert.True(_h.PumpUntil(() => service.ActiveState == UnitActiveState.Activating));
        service.OnNotify(new Summon.Sockets.NotifyMessage(_processes.Last!.Pid, 0, "READY=1", []));
        Assert.True(_h.PumpUntil(() => again.IsCompleted));
        Assert.StartsWith("HTTP/1.1 200 OK", Get("/livez"));
    }

    [Fact]
    public void Livez_fails_when_the_loop_did_not_turn_for_longer_than_the_stall_limit()
    {
        Assert.StartsWith("HTTP/1.1 200", Get("/livez"));
        var client = Connect();
        _h.Pump();   // accepted
        // The clock moves 15 s while the loop runs nothing: the request is read before the overdue probe runs.
        _h.Time.Advance(TimeSpan.FromSeconds(15));
        string stalled = Get(client, "GET /livez HTTP/1.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503", stalled);
        Assert.Contains("event loop: its lag probe is 14.0 s late (limit 10 s)", stalled);
        _h.Pump();
        Assert.StartsWith("HTTP/1.1 200", Get(client, "GET /livez HTTP/1.1\r\n\r\n"));   // the same kept-alive connection
    }

    [Fact]
    public void A_client_that_stalls_halfway_through_its_request_is_closed_at_its_deadline_and_others_are_served()
    {
        var slow = Connect();
        slow.Send("GET /metr"u8.ToArray());
        _h.Pump();
        Assert.StartsWith("HTTP/1.1 200", Get("/metrics"));
        Assert.Equal(1, _endpoint.Clients);   // the stalled one (the served one asked to close)
        _h.Advance(MetricsEndpoint.PhaseTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(0, _endpoint.Clients);
        Assert.True(_h.PumpUntil(() => slow.Poll(0, SelectMode.SelectRead) && slow.Available == 0));   // EOF: closed by the endpoint
    }

    [Fact]
    public void A_client_that_never_reads_a_large_response_holds_only_its_bytes_until_its_deadline()
    {
        for (int i = 0; i < 1000; i++)
            _h.WriteUnit($"u{i}.service", "[Service]\nExecStart=/fake/run\n");
        for (int i = 0; i < 1000; i++)
            _h.Manager.GetOrLoad($"u{i}.service");
        var hog = Connect();
        hog.ReceiveBufferSize = 4096;
        // Pipelined: many scrapes in one write, none read.
        hog.Send(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET /metrics HTTP/1.1\r\n\r\n", 20))));
        _h.Pump();
        Assert.StartsWith("HTTP/1.1 200", Get("/livez"));
        Assert.Equal(1, _endpoint.Clients);
        _h.Advance(MetricsEndpoint.PhaseTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(0, _endpoint.Clients);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_thousand_concurrent_clients_are_all_answered()
    {
        var clients = new List<Socket>();
        for (int i = 0; i < 1000; i++)
        {
            var c = Connect();
            c.Send("GET /livez HTTP/1.1\r\n\r\n"u8.ToArray());
            clients.Add(c);
            if (i % 100 == 0)
                _h.Pump();   // the backlog is bounded by somaxconn; the loop accepts as they come
        }
        var buffer = new byte[4096];
        var answered = new HashSet<Socket>();
        Assert.True(_h.PumpUntil(() =>
        {
            foreach (var c in clients)
                if (!answered.Contains(c) && c.Available > 0 && Encoding.ASCII.GetString(buffer, 0, c.Receive(buffer)).StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                    answered.Add(c);
            return answered.Count == clients.Count;
        }), $"{answered.Count} of {clients.Count} answered");
        Assert.Equal(1000, _endpoint.Clients);   // all kept alive
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Bad_requests_get_one_line_answers_and_the_connection_closes()
    {
        Assert.StartsWith("HTTP/1.1 405 Method Not Allowed", Get(Connect(), "POST /metrics HTTP/1.1\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 404 Not Found", Get("/nothing"));
        // Exactly the limit and no end of head: every byte is read, so the close sends no reset before the answer.
        string huge = "GET /metrics HTTP/1.1\r\nX: ";
        Assert.StartsWith("HTTP/1.1 431", Get(Connect(), huge + new string('a', MetricsEndpoint.RequestLimit - huge.Length)));
        var client = Connect();
        client.Send("HEAD /metrics HTTP/1.1\r\nConnection: close\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        var head = new StringBuilder();
        Assert.True(_h.PumpUntil(() =>
        {
            if (!client.Poll(0, SelectMode.SelectRead))
                return false;
            int n = client.Receive(buffer);
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            return n == 0;   // closed after the head: no body follows
        }));
        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", head.ToString());
        Assert.EndsWith("Connection: close\r\n\r\n", head.ToString());
    }
}
