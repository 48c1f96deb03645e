using System.Globalization;
using System.Text.Json;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// `summon daemon --metrics` with real clients: curl for /metrics, /readyz and /livez, promtool for the format, and a
/// real Prometheus scraping the manager while bench/src/loadclient drives an Accept=yes socket, whose answers are
/// checked against the load client's own counts.
/// </summary>
public sealed class MetricsTests
{
    private static (int Code, string Body) Curl(int port, string path, string? accept = null)
    {
        List<string> args = ["-s", "-m", "5", "-o", "-", "-w", "\n%{http_code}"];
        if (accept is not null)
            args.AddRange(["-H", "Accept: " + accept]);
        args.Add($"http://127.0.0.1:{port}{path}");
        CommandResult result = Command.Run("curl", args);
        int split = result.StdOut.LastIndexOf('\n');
        return (int.Parse(result.StdOut[(split + 1)..], CultureInfo.InvariantCulture), result.StdOut[..split]);
    }

    private static Task<DaemonProcess> StartDaemon(TempRoot root, int metricsPort, params string[] more) =>
        DaemonProcess.StartAsync(root, SummonBinary.Path, ["daemon", "--metrics", $"127.0.0.1:{metricsPort}", .. more], waitReady: true);

    private static void WriteEcho(TempRoot root, int port)
    {
        root.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n[Install]\nWantedBy=sockets.target\n");
        root.WriteUnit("echo@.service", "[Service]\nExecStart=/bin/cat\nStandardInput=socket\n");
        Directory.CreateDirectory(Path.Combine(root.UnitDir, "sockets.target.wants"));
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "sockets.target.wants", "echo.socket"), Path.Combine(root.UnitDir, "echo.socket"));
    }

    [Fact]
    public async Task Scrape_counts_connections_exactly_and_passes_promtool_in_both_formats()
    {
        using var root = new TempRoot();
        int echoPort = FreePort.Tcp(), metricsPort = FreePort.Tcp();
        WriteEcho(root, echoPort);
        using DaemonProcess daemon = await StartDaemon(root, metricsPort);
        for (int i = 0; i < 3; i++)
            Assert.Equal("hello\n", Command.Run("nc", ["-N", "127.0.0.1", echoPort.ToString(CultureInfo.InvariantCulture)], stdin: "hello\n").StdOut);

        (int code, string page) = Curl(metricsPort, "/metrics");
        Assert.Equal(200, code);
        Assert.Contains("systemd_unit_state{name=\"echo.socket\",type=\"socket\",state=\"active\"} 1\n", page);
        Assert.Contains("systemd_socket_accepted_connections_total{name=\"echo.socket\"} 3\n", page);
        Assert.Contains($"summon_socket_accept_queue_limit{{name=\"echo.socket\",listen=\"127.0.0.1:{echoPort}\"}} ", page);
        Assert.Contains("summon_activation_latency_seconds_count 3\n", page);
        CommandResult lint = Command.Run("promtool", ["check", "metrics"], stdin: page + "\n");
        Assert.True(lint.ExitCode == 0 && lint.StdOut.Length == 0 && lint.StdErr.Length == 0, lint.ToString());

        (int omCode, string openMetrics) = Curl(metricsPort, "/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        Assert.Equal(200, omCode);
        Assert.Contains("# TYPE systemd_socket_accepted_connections counter\n", openMetrics);
        Assert.EndsWith("# EOF\n", openMetrics);
    }

    [Fact]
    public async Task Readyz_is_503_until_the_required_notify_service_sends_READY()
    {
        using var root = new TempRoot();
        string gate = Path.Combine(root.Dir, "gate");
        root.WriteUnit("slow.service", $"""
            [Service]
            Type=notify
            NotifyAccess=all
            ExecStart=/bin/sh -c 'while [ ! -e {gate} ]; do sleep 0.1; done; systemd-notify --ready; exec sleep 600'
            TimeoutStartSec=120
            [X-Summon]
            RequiredForReadiness=yes
            [Install]
            WantedBy=multi-user.target
            """);
        Directory.CreateDirectory(Path.Combine(root.UnitDir, "multi-user.target.wants"));
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "multi-user.target.wants", "slow.service"), Path.Combine(root.UnitDir, "slow.service"));
        int metricsPort = FreePort.Tcp();
        using DaemonProcess daemon = await StartDaemon(root, metricsPort, "--ready-unit", "missing.service");

        (int code, string body) = Curl(metricsPort, "/readyz");
        Assert.Equal(503, code);
        Assert.Contains("slow.service: activating (start)", body);
        Assert.Contains("missing.service: not loaded", body);
        Assert.Equal(200, Curl(metricsPort, "/livez").Code);

        File.WriteAllText(gate, "");
        await Wait.ForAsync(() => Cli.ShowOne(root, "slow.service", "ActiveState"), s => s == "active");
        (code, body) = Curl(metricsPort, "/readyz");
        Assert.Equal(503, code);   // only the unit that was never loaded is left
        Assert.Equal("missing.service: not loaded", body.Trim());
    }

    [Fact]
    public async Task Readyz_is_200_once_the_boot_is_done_and_required_units_are_ready()
    {
        using var root = new TempRoot();
        root.WriteUnit("up.service", "[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/sh -c 'sleep 1; systemd-notify --ready; exec sleep 600'\n[X-Summon]\nRequiredForReadiness=yes\n[Install]\nWantedBy=multi-user.target\n");
        Directory.CreateDirectory(Path.Combine(root.UnitDir, "multi-user.target.wants"));
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "multi-user.target.wants", "up.service"), Path.Combine(root.UnitDir, "up.service"));
        int metricsPort = FreePort.Tcp();
        using DaemonProcess daemon = await StartDaemon(root, metricsPort);
        var seen = await Wait.ForAsync(() => Curl(metricsPort, "/readyz"), r => r.Code == 200, TimeSpan.FromSeconds(30));
        Assert.Equal("ok", seen.Body.Trim());
        Assert.Equal("active", Cli.ShowOne(root, "up.service", "ActiveState"));
    }

    [Fact]
    public async Task Livez_turns_503_when_a_watchdog_expires()
    {
        using var root = new TempRoot();
        root.WriteUnit("dog.service", """
            [Service]
            Type=notify
            NotifyAccess=all
            WatchdogSec=3s
            ExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 600'
            """);
        // The first /livez must come before the watchdog expires, counted from READY=1: the start's reply, the CLI's
        // exit and curl's start and request all fit in that, which 1 s (as it was) need not on a loaded machine.
        int metricsPort = FreePort.Tcp();
        using DaemonProcess daemon = await StartDaemon(root, metricsPort);
        Assert.Equal(0, Cli.Run(root, "start", "dog.service").ExitCode);
        Assert.Equal(200, Curl(metricsPort, "/livez").Code);
        var dead = await Wait.ForAsync(() => Curl(metricsPort, "/livez"), r => r.Code == 503);
        Assert.Contains("dog.service: watchdog expired at ", dead.Body);
        Assert.Equal("watchdog", (await Wait.ForAsync(() => Cli.ShowOne(root, "dog.service", "Result"), r => r == "watchdog")));
    }

    [Fact]
    public void Bad_metrics_address_is_a_one_line_error()
    {
        using var root = new TempRoot();
        CommandResult run = Command.Run(SummonBinary.Path, ["daemon", "--metrics", "no-such-host:port"], root.Environment);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Invalid --metrics= value 'no-such-host:port' (Invalid argument): use HOST:PORT, [IPv6]:PORT, PORT or /unix/path."], run.StdErrLines);
    }

    [Fact]
    public async Task Prometheus_scraping_under_load_agrees_with_the_load_clients_counts()
    {
        using var root = new TempRoot();
        int echoPort = FreePort.Tcp(), metricsPort = FreePort.Tcp(), prometheusPort = FreePort.Tcp();
        WriteEcho(root, echoPort);
        using DaemonProcess daemon = await StartDaemon(root, metricsPort);

        string config = root.WriteFile("prometheus.yml", $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: summon
                static_configs:
                  - targets: ['127.0.0.1:{metricsPort}']
            """);
        using DaemonProcess prometheus = await DaemonProcess.StartAsync(root, "/usr/bin/prometheus",
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(root.Dir, "tsdb")}", $"--web.listen-address=127.0.0.1:{prometheusPort}"],
            waitReady: false, environment: new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = root.Dir });
        await Wait.ForAsync(() => Query(prometheusPort, "up{job=\"summon\"}"), v => v == 1, TimeSpan.FromSeconds(60));

        CommandResult load = Command.Run(TestPrograms.LoadClient, ["-a", $"127.0.0.1:{echoPort}", "-c", "8", "-n", "1500", "-t", "10000", "-T", "120", "-q"],
            timeout: TimeSpan.FromMinutes(3));
        long ok = long.Parse(System.Text.RegularExpressions.Regex.Match(load.StdOut, @"\bok=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        long fail = long.Parse(System.Text.RegularExpressions.Regex.Match(load.StdOut, @"\bfail=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(ok + fail == 1500 && fail == 0, load.ToString());

        // The counter Prometheus stored equals what the client counted (every connection was accepted once).
        await Wait.ForAsync(() => Query(prometheusPort, "systemd_socket_accepted_connections_total{name=\"echo.socket\"}"), v => v == ok, TimeSpan.FromSeconds(30));
        Assert.Equal(ok, await Wait.ForAsync(() => Query(prometheusPort, "summon_activation_latency_seconds_count"), v => v == ok, TimeSpan.FromSeconds(30)));
        Assert.True(Query(prometheusPort, "max_over_time(rate(systemd_socket_accepted_connections_total{name=\"echo.socket\"}[5s])[5m:1s])") > 0);
        Assert.True(Query(prometheusPort, "summon_socket_accept_queue_limit{name=\"echo.socket\"}") > 0);
        Assert.True(Query(prometheusPort, "max_over_time(summon_socket_accept_queue_depth{name=\"echo.socket\"}[5m])") >= 0);
        double p99 = Query(prometheusPort, "histogram_quantile(0.99, summon_activation_latency_seconds_bucket)");
        Assert.True(p99 > 0 && p99 <= 30, $"p99 activation latency {p99}");
        Assert.Equal(0, Query(prometheusPort, "summon_journal_lines_dropped_total"));
    }

    /// <summary>One instant query's first value through Prometheus' HTTP API; NaN when it has no sample (yet) or is not up.</summary>
    private static double Query(int port, string promql)
    {
        CommandResult result = Command.Run("curl", ["-s", "-m", "5", "--get", "--data-urlencode", "query=" + promql, $"http://127.0.0.1:{port}/api/v1/query"]);
        // A Prometheus still starting answers "Service Unavailable" in plain text.
        if (result.ExitCode != 0 || !result.StdOut.StartsWith('{'))
            return double.NaN;
        using var json = JsonDocument.Parse(result.StdOut);
        var data = json.RootElement.GetProperty("data").GetProperty("result");
        if (data.GetArrayLength() == 0)
            return double.NaN;
        return double.Parse(data[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }
}
