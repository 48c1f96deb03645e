using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.SandboxTable;

/// <summary>The measured probe × key table as the generated section of docs/compatibility.md shows it.</summary>
internal static class SandboxProbeTableDoc
{
    /// <summary>Differences a cell lists before it only counts the rest (the test's message lists them all).</summary>
    private const int ProblemsShown = 6;

    public static string Render(SandboxProbeReport baseline, IReadOnlyList<SandboxProbeOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.Append("Baseline (no sandbox key, as root): ")
            .AppendJoin(", ", baseline.Values.Where(v => !v.Key.StartsWith("ns_", StringComparison.Ordinal) && !SandboxProbeAnswers.Noisy.Contains(v.Key))
                .Select(v => $"`{v.Key}={v.Value}`"))
            .Append(".\n\n")
            .Append("| key | probe: baseline → under the key, as systemd documents it | systemd.exec(5) | Summon (measured) |\n")
            .Append("|---|---|---|---|\n");
        foreach (SandboxProbeOutcome o in outcomes)
        {
            string key = $"`{Shown(o.Row.Shown)}`" + (o.Row.Context.Length > 0 ? $" (with `{Shown(o.Row.Context)}`)" : "");
            string expected = o.Row.Flips.Count == 0
                ? "none while it runs"
                : string.Join("; ", o.Row.Flips.Select(f => $"`{f.Key}`: {Cell(o.Before(f.Key))} → {Cell(f.Value)}"));
            text.Append($"| {key} | {expected} | \"{o.Row.Cites.Replace("|", "\\|", StringComparison.Ordinal)}\" | {Summon(o)} |\n");
        }

        return text.ToString();
    }

    private static string Summon(SandboxProbeOutcome o)
    {
        string verdict = o.Problems.Count == 0 ? "as documented"
            : "**differs**: " + string.Join("; ", o.Problems.Take(ProblemsShown)) + (o.Problems.Count > ProblemsShown ? $"; … ({o.Problems.Count - ProblemsShown} more)" : "");
        verdict = verdict.Replace("|", " or ", StringComparison.Ordinal);
        return verdict;
    }

    private static string Cell(string value) => value.Length == 0 ? "(none)" : value.Replace("|", " or ", StringComparison.Ordinal);

    private static string Shown(string settings) =>
        settings.Replace("\n", "`, `", StringComparison.Ordinal).Replace("{P}", "P", StringComparison.Ordinal).Replace("{F}", "F", StringComparison.Ordinal);
}
