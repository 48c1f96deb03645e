using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.SandboxTable;

/// <summary>One row measured: where its answers differ from what the row expects (a named answer that did not flip to
/// the expected one, or an answer the row does not name that flipped).</summary>
internal sealed record SandboxProbeOutcome(SandboxProbeRow Row, SandboxProbeReport Baseline, SandboxProbeReport Host, SandboxProbeReport? Report,
    string Failure, IReadOnlyList<string> Problems)
{
    /// <summary>The baseline's answer to <paramref name="key"/> as compared.</summary>
    public string Before(string key) => SandboxProbeAnswers.Normalize(key, Baseline[key], Baseline[key], Host[key]);

    /// <param name="host">The baseline without context, whose namespaces are the manager's.</param>
    public static SandboxProbeOutcome Of(SandboxProbeRow row, SandboxProbeReport baseline, SandboxProbeReport host, Measured measured)
    {
        if (measured.Report is not { } report)
            return new(row, baseline, host, null, measured.Failure, [measured.Failure]);
        var problems = new List<string>();
        foreach ((string key, string raw) in baseline.Values)
        {
            string before = SandboxProbeAnswers.Normalize(key, raw, raw, host[key]);
            string now = SandboxProbeAnswers.Normalize(key, report[key], raw, host[key]);
            bool named = row.Flips.TryGetValue(key, out string? expected);
            if (named && !SandboxProbeRow.Matches(expected!, now, before))
                problems.Add($"{key}: {before} → {now}, expected {expected}");
            else if (!named && now != before && !SandboxProbeAnswers.Noisy.Contains(key))
                problems.Add($"{key} also flips: {before} → {now}");
        }

        return new(row, baseline, host, report, "", problems);
    }
}
