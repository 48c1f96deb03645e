using System.Globalization;
using System.Text;
using Summon.Units;

namespace Summon.Cli.Rendering;

/// <summary>A unit file of the coverage measure and where it came from (a package's directory, or "").</summary>
internal sealed record CoverageUnit(string Origin, UnitCoverageResult Result)
{
    public string Label => Origin.Length == 0 ? Result.Name.Name : $"{Result.Name.Name} ({Origin})";
}

/// <summary>The Markdown report of `summon analyze-coverage`: totals, the keys not honoured (most frequent first),
/// the units that do not run whole, and optionally every unit.</summary>
internal static class CoverageReport
{
    public static string Write(string title, IReadOnlyList<CoverageUnit> all, bool everyUnit)
    {
        var run = all.Where(u => u.Result.Runs).ToList();
        var sb = new StringBuilder();
        sb.Append("### ").Append(title).Append("\n\n");

        List<CoveredAssignment> assignments = run.SelectMany(u => u.Result.Assignments).ToList();
        List<CoveredAssignment> outside = assignments.Where(a => !a.Sandbox).ToList();
        var withoutSandbox = run.Where(u => !u.Result.UsesSandbox).ToList();
        sb.Append("| measure | all assignments | excluding the sandbox family |\n|---|---|---|\n");
        sb.Append("| assignments honoured | ").Append(Ratio(assignments.Count(a => a.Honoured), assignments.Count))
          .Append(" | ").Append(Ratio(outside.Count(a => a.Honoured), outside.Count)).Append(" |\n");
        sb.Append("| units (`.service`, `.socket`) run whole as written | ").Append(Ratio(run.Count(u => u.Result.Whole), run.Count))
          .Append(" | ").Append(Ratio(run.Count(u => u.Result.WholeButSandbox), run.Count)).Append(" (sandbox keys set aside) |\n");
        sb.Append("| units that use no sandbox key, run whole | ").Append(Ratio(withoutSandbox.Count(u => u.Result.Whole), withoutSandbox.Count))
          .Append(" | |\n\n");

        var notRun = all.Where(u => !u.Result.Runs).GroupBy(u => u.Result.Name.Type.ToSuffix()).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (notRun.Count > 0)
        {
            sb.Append("Other unit types, not counted above (of these Summon runs targets only): ")
              .Append(string.Join(", ", notRun.Select(g => $"{g.Count()} `.{g.Key}` ({g.Sum(u => u.Result.Assignments.Count)} assignments)")))
              .Append(".\n\n");
        }

        var keys = run.SelectMany(u => u.Result.Assignments.Where(a => !a.Honoured).Select(a => (Unit: u, a.Section, What: a.Unsupported!, a.Sandbox)))
            .GroupBy(x => (x.Section, x.What))
            .Select(g => (g.Key.Section, g.Key.What, Count: g.Count(), Units: g.Select(x => x.Unit).Distinct().Count(), g.First().Sandbox))
            .OrderByDescending(k => k.Count).ThenBy(k => k.What, StringComparer.Ordinal).ThenBy(k => k.Section, StringComparer.Ordinal)
            .ToList();
        sb.Append("Keys not honoured, most frequent first:\n\n| key | section | assignments | units | sandbox family |\n|---|---|---|---|---|\n");
        foreach (var k in keys)
        {
            string key = k.What.Contains('=', StringComparison.Ordinal) ? k.What : k.What + "=";
            sb.Append(CultureInfo.InvariantCulture, $"| `{key}` | {k.Section} | {k.Count} | {k.Units} | {(k.Sandbox ? "yes" : "")} |\n");
        }

        sb.Append("\nUnits that do not run whole, with what they lose (sandbox keys in *italics*):\n\n");
        foreach (CoverageUnit u in run.Where(u => !u.Result.Whole).OrderBy(u => u.Label, StringComparer.Ordinal))
        {
            IEnumerable<string> lost = u.Result.Assignments.Where(a => !a.Honoured)
                .Select(a => a.Sandbox ? $"*{a.Unsupported}*" : a.Unsupported!).Distinct(StringComparer.Ordinal);
            sb.Append("- ").Append(u.Label).Append(": ").Append(string.Join(", ", lost)).Append('\n');
        }

        if (everyUnit)
        {
            sb.Append("\n| unit | assignments | honoured | whole | whole but sandbox |\n|---|---|---|---|---|\n");
            foreach (CoverageUnit u in all.OrderBy(u => u.Label, StringComparer.Ordinal))
            {
                IReadOnlyList<CoveredAssignment> a = u.Result.Assignments;
                string honoured = u.Result.Runs ? Ratio(a.Count(x => x.Honoured), a.Count) : "not run";
                sb.Append(CultureInfo.InvariantCulture, $"| {u.Label} | {a.Count} | {honoured} | {(u.Result.Whole ? "yes" : "no")} | {(u.Result.WholeButSandbox ? "yes" : "no")} |\n");
            }
        }

        return sb.ToString();
    }

    private static string Ratio(int part, int whole) => whole == 0
        ? "0 / 0"
        : string.Create(CultureInfo.InvariantCulture, $"{part} / {whole} ({100.0 * part / whole:0.0} %)");
}
