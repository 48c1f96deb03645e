using System.Globalization;
using System.Text.Json;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// examples/kubernetes/summon.yaml without Kubernetes (no cluster runs on our machines): the Deployment's command line
/// runs as PID 1 of a PID namespace (<c>unshare --pid --fork --mount-proc</c>), with the ConfigMap laid out as the
/// volume's items place it; its probes' paths and port answer 200, the Prometheus annotations point at /metrics, and
/// the demo echo answers. Ports are swapped for free ones (other tests use the demo's).
/// </summary>
public sealed class KubernetesExampleTests
{
    [RootFact]
    public async Task The_Deployment_runs_as_pid_1_and_answers_its_probes()
    {
        using var root = new TempRoot();
        string yaml = Path.Combine(RepositoryRoot.Find(), "examples", "kubernetes", "summon.yaml");
        CommandResult parsed = Command.Run("python3", ["-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", yaml]);
        Assert.True(parsed.ExitCode == 0, parsed.ToString());
        using var documents = JsonDocument.Parse(parsed.StdOut);
        var byKind = documents.RootElement.EnumerateArray().ToDictionary(d => d.GetProperty("kind").GetString()!, d => d);
        var data = byKind["ConfigMap"].GetProperty("data");
        var pod = byKind["Deployment"].GetProperty("spec").GetProperty("template");
        var container = pod.GetProperty("spec").GetProperty("containers")[0];
        var annotations = pod.GetProperty("metadata").GetProperty("annotations");

        int echoPort = FreePort.Tcp(), metricsPort = FreePort.Tcp();
        foreach (var item in pod.GetProperty("spec").GetProperty("volumes")[0].GetProperty("configMap").GetProperty("items").EnumerateArray())
        {
            string text = data.GetProperty(item.GetProperty("key").GetString()!).GetString()!.Replace("[::]:9091", $"127.0.0.1:{echoPort}");
            root.WriteUnit(item.GetProperty("path").GetString()!, text);
        }
        Assert.Equal("/etc/summon/units", container.GetProperty("env")[0].GetProperty("value").GetString());
        Assert.Equal("summon", container.GetProperty("command")[0].GetString());
        List<string> args = [.. container.GetProperty("args").EnumerateArray().Select(a => a.GetString()!.Replace("0.0.0.0:9100", $"127.0.0.1:{metricsPort}"))];
        // --log-target comes with the console log target (the pod part of issue 16); a binary without it runs the rest.
        if (!Command.Run(SummonBinary.Path, ["daemon", "--help"]).StdOut.Contains("--log-target", StringComparison.Ordinal))
            args.RemoveAll(a => a.StartsWith("--log-target", StringComparison.Ordinal));

        using DaemonProcess pid1 = await DaemonProcess.StartAsync(root, "unshare", ["--pid", "--fork", "--mount-proc", SummonBinary.Path, .. args], waitReady: true);

        Assert.Equal("9100", annotations.GetProperty("prometheus.io/port").GetString());
        Assert.Equal("true", annotations.GetProperty("prometheus.io/scrape").GetString());
        string metricsPath = annotations.GetProperty("prometheus.io/path").GetString()!;
        foreach (string probe in (string[])["readinessProbe", "livenessProbe"])
        {
            var get = container.GetProperty(probe).GetProperty("httpGet");
            Assert.Equal("metrics", get.GetProperty("port").GetString());
            string url = $"http://127.0.0.1:{metricsPort}{get.GetProperty("path").GetString()}";
            string code = await Wait.ForAsync(() => Command.Run("curl", ["-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}", url]).StdOut, c => c == "200");
            Assert.Equal("200", code);
        }
        Assert.Equal("hello\n", Command.Run("nc", ["-N", "127.0.0.1", echoPort.ToString(CultureInfo.InvariantCulture)], stdin: "hello\n").StdOut);
        string page = Command.Run("curl", ["-s", "-m", "5", $"http://127.0.0.1:{metricsPort}{metricsPath}"]).StdOut;
        Assert.Contains("systemd_socket_accepted_connections_total{name=\"demo-echo.socket\"} 1\n", page);
        Assert.Contains("systemd_unit_state{name=\"demo-echo.socket\",type=\"socket\",state=\"active\"} 1\n", page);
    }
}
