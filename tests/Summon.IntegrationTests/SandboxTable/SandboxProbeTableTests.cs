using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.SandboxTable;

/// <summary>
/// The probe × key table of issue 14 (<see cref="SandboxProbeRows"/>), measured: one daemon runs sandbox-probe as a
/// oneshot service once per distinct context without the key (the baselines) and once per row, and each row's answers
/// must differ from its baseline exactly where the row says. With SUMMON_SANDBOX_TABLE=FILE the measured table is
/// also written to FILE (bench/sandbox-table.sh puts it into docs/compatibility.md). Needs root.
/// </summary>
public sealed class SandboxProbeTableTests
{
    /// <summary>Rows started by one <c>summon start</c>: enough to keep the wall time low, few enough for a loaded machine.</summary>
    private const int RowsPerStart = 12;

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);

    [RootFact]
    public async Task Each_key_flips_exactly_the_probe_answers_systemd_exec_documents()
    {
        using var root = new TempRoot();
        using var fixture = new SandboxProbeFixture();
        string marker = $"/tmp/summon-probe-mark-{Path.GetFileName(root.Dir)}";
        try
        {
            string[] contexts = [.. SandboxProbeRows.All.Select(r => r.Context).Distinct(StringComparer.Ordinal)];
            root.WriteUnit("marker.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo other > {marker}'\n");
            for (int i = 0; i < contexts.Length; i++)
                WriteProbeUnit(root, fixture, marker, $"base-{i}", contexts[i]);
            for (int i = 0; i < SandboxProbeRows.All.Count; i++)
                WriteProbeUnit(root, fixture, marker, $"row-{i}", SandboxProbeRows.All[i].Context + "\n" + SandboxProbeRows.All[i].Keys);

            using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
            // systemd.exec(5) PrivateTmp=: the marker is "another service's" /tmp file, so a service writes it.
            Assert.True(Cli.Run(root, "start", "marker.service").ExitCode == 0, daemon.Log);
            Start(root, [.. Enumerable.Range(0, contexts.Length).Select(i => $"base-{i}.service")]);
            foreach (int[] chunk in Enumerable.Range(0, SandboxProbeRows.All.Count).Chunk(RowsPerStart))
                Start(root, [.. chunk.Select(i => $"row-{i}.service")]);

            var baselines = contexts.Select((c, i) => (c, Report(root, $"base-{i}")))
                .ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal);
            foreach ((string context, Measured baseline) in baselines)
                Assert.True(baseline.Report is not null, $"the baseline of context '{context}' did not run: {baseline.Failure}\n{daemon.Log}");

            var results = SandboxProbeRows.All.Select((row, i) => SandboxProbeOutcome.Of(row, baselines[row.Context].Report!, baselines[""].Report!, Report(root, $"row-{i}"))).ToList();
            if (Environment.GetEnvironmentVariable("SUMMON_SANDBOX_TABLE") is { Length: > 0 } table)
                File.WriteAllText(table, SandboxProbeTableDoc.Render(baselines[""].Report!, results));

            string[] wrong = [.. results.Where(r => r.Problems.Count > 0)
                .Select(r => $"{r.Row.Shown}: {string.Join("; ", r.Problems)}\n{r.Report?.Text ?? r.Failure}")];
            Assert.True(wrong.Length == 0, string.Join("\n", wrong));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    private static void WriteProbeUnit(TempRoot root, SandboxProbeFixture fixture, string marker, string name, string settings) =>
        root.WriteUnit(name + ".service", $"""
            [Service]
            Type=oneshot
            StandardOutput=truncate:{Path.Combine(root.Dir, name + ".out")}
            StandardError=journal
            ExecStart={fixture.Probe} -t {marker} -S {fixture.SetuidCopy} -p {fixture.PathDir}
            {fixture.Expand(settings)}
            """);

    /// <summary>Starts the oneshots together; a start that fails shows in the unit's report, not here.</summary>
    private static void Start(TempRoot root, string[] units) =>
        Command.Run(SummonBinary.Path, ["start", .. units], root.Environment, timeout: s_startTimeout);

    private static Measured Report(TempRoot root, string name)
    {
        string output = Path.Combine(root.Dir, name + ".out");
        string text = File.Exists(output) ? File.ReadAllText(output) : "";
        if (text.Contains("udp_send_lo=", StringComparison.Ordinal))
            return new Measured(SandboxProbeReport.Parse(text), "");
        Dictionary<string, string> show = Cli.Show(root, name + ".service", "Result", "ExecMainStatus");
        return new Measured(null, $"start failed: Result={show["Result"]}, status={show["ExecMainStatus"]}");
    }
}

/// <summary>What one run of the probe gave: its report, or why there is none.</summary>
internal sealed record Measured(SandboxProbeReport? Report, string Failure);
