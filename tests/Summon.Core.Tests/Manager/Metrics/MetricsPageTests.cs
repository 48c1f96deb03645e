using System.Text;
using Summon.Manager;
using Summon.Manager.Metrics;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Metrics;

/// <summary>
/// The /metrics page over a real manager (fake processes): systemd_exporter's names and labels, Summon's own families,
/// both formats, and the cost of a scrape of 1,000 units in managed allocations on the loop's thread (a byte count, the
/// same on a busy machine; the wall time is bench/metrics.sh's).
/// </summary>
public sealed class MetricsPageTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public MetricsPageTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    private string Scrape(bool openMetrics = false)
    {
        var buffer = new ResponseBuffer();
        new MetricsPage(_h.Manager).Write(buffer, openMetrics);
        buffer.PutHead("HTTP/1.1 200 OK"u8, "text/plain"u8, keepAlive: false, headOnly: false);
        string response = Encoding.UTF8.GetString(buffer.Response);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    [Fact]
    public void Unit_state_has_one_series_per_state_with_systemd_exporters_labels()
    {
        _h.WriteUnit("web.service", "[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("web.service").Success);
        string page = Scrape();
        Assert.Contains("# TYPE systemd_unit_state gauge\n", page);
        Assert.Contains("systemd_unit_state{name=\"web.service\",type=\"service\",state=\"active\"} 1\n", page);
        foreach (string other in (string[])["activating", "deactivating", "inactive", "failed"])
            Assert.Contains($"systemd_unit_state{{name=\"web.service\",type=\"service\",state=\"{other}\"}} 0\n", page);
        Assert.Contains("# TYPE systemd_service_restart_total counter\n", page);
        Assert.Contains("systemd_service_restart_total{name=\"web.service\"} 0\n", page);
        Assert.Contains("systemd_unit_start_time_seconds{name=\"web.service\",type=\"service\"} 1735689600\n", page);
    }

    [Fact]
    public void Socket_counters_and_refusals_by_reason_are_exact()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnections=1\n");
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/run\n");
        var socket = _h.Socket("echo.socket");
        Assert.True(_h.Start("echo.socket").Success);
        using var first = Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 1));
        using var second = Connect(port);
        // The second waits for a slot (LimitGrace), then is refused for MaxConnections=.
        Assert.True(_h.PumpUntil(() => socket.NRefused == 1, tick: TimeSpan.FromMilliseconds(50)));
        string page = Scrape();
        Assert.Contains("systemd_socket_accepted_connections_total{name=\"echo.socket\"} 1\n", page);
        Assert.Contains("systemd_socket_current_connections{name=\"echo.socket\"} 1\n", page);
        Assert.Contains("systemd_socket_refused_connections_total{name=\"echo.socket\"} 1\n", page);
        Assert.Contains("summon_socket_refusals_total{name=\"echo.socket\",reason=\"max_connections\"} 1\n", page);
        Assert.Contains("summon_socket_refusals_total{name=\"echo.socket\",reason=\"per_source\"} 0\n", page);
        Assert.Contains("summon_socket_instances_alive{name=\"echo.socket\"} 1\n", page);
        Assert.Contains($"summon_socket_accept_queue_limit{{name=\"echo.socket\",listen=\"127.0.0.1:{port}\"}} ", page);
        Assert.Contains("summon_activation_latency_seconds_count 1\n", page);
        Assert.Contains("summon_spawn_latency_seconds_count 1\n", page);
        // The instance itself is counted by its socket, not given series of its own.
        Assert.DoesNotContain("echo@", page);
    }

    [Fact]
    public void OpenMetrics_names_counter_families_without_total_and_ends_with_EOF()
    {
        _h.WriteUnit("web.service", "[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("web.service").Success);
        string page = Scrape(openMetrics: true);
        Assert.Contains("# TYPE systemd_service_restart counter\n", page);
        Assert.Contains("systemd_service_restart_total{name=\"web.service\"} 0\n", page);
        Assert.Contains("# TYPE summon_journal_lines_written counter\n", page);
        Assert.Contains("summon_journal_lines_written_created ", page);
        Assert.Contains("summon_activation_latency_seconds_created ", page);
        Assert.EndsWith("# EOF\n", page);
        Assert.DoesNotContain("# EOF", Scrape());
    }

    [Fact]
    public void A_scrape_of_1000_units_allocates_nothing_per_unit()
    {
        for (int i = 0; i < 1000; i++)
            _h.WriteUnit($"u{i}.service", "[Service]\nExecStart=/fake/run\n");
        for (int i = 0; i < 1000; i++)
            Assert.NotNull(_h.Manager.GetOrLoad($"u{i}.service"));
        for (int i = 0; i < 100; i++)
            Assert.True(_h.Start($"u{i}.service").Success);
        var page = new MetricsPage(_h.Manager);
        var buffer = new ResponseBuffer();
        page.Write(buffer, openMetrics: false);   // warm-up: the buffer grows to the page once
        page.Write(buffer, openMetrics: true);
        int capacity = buffer.Capacity;

        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Scrapes = 10;
        for (int i = 0; i < Scrapes; i++)
        {
            buffer.Clear();
            page.Write(buffer, openMetrics: i % 2 == 0);
        }
        long perScrape = (GC.GetAllocatedBytesForCurrentThread() - before) / Scrapes;

        Assert.Equal(capacity, buffer.Capacity);
        Assert.True(perScrape < 1000, $"a scrape of 1,000 units allocated {perScrape} bytes: something is allocated per unit");
        Assert.Equal(0, perScrape);
        Assert.Empty(_h.Errors);
    }

    private static System.Net.Sockets.Socket Connect(int port)
    {
        var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        client.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        return client;
    }
}
