using CsCheck;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>`summon analyze timespan` against `systemd-analyze timespan` on a table and on generated spans: same
/// stdout and exit status, and the same first stderr line (systemd may add "Hint:" lines about timestamps).</summary>
public sealed class TimespanTests
{
    public static TheoryData<string[]> Cases => new()
    {
        new[] { "1min 30s" }, new[] { "100ms", "infinity", "0" }, new[] { "1.5h" }, new[] { "1y 2month 3w" },
        new[] { "3600000001us" }, new[] { "1.5s" }, new[] { "foo", "1s" }, new[] { "1s", "" }, new[] { "infinity " },
        new[] { "584542y" }, new[] { "12.34.56" }, new[] { "1 μs" },
    };

    [OracleTheory]
    [MemberData(nameof(Cases))]
    public void Agrees_with_systemd_analyze_timespan(string[] values)
    {
        using var root = new TempRoot();
        AssertSame(root, values);
    }

    [OracleFact]
    public void Agrees_on_generated_spans()
    {
        using var root = new TempRoot();
        string[] units = ["", "s", "ms", "us", "min", "h", "d", "w", "M", "month", "y", "sec", "x", " "];
        var term = Gen.Select(Gen.Int[0, 100000], Gen.Int[0, 3], Gen.Int[0, units.Length - 1],
            (n, f, u) => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + (f == 0 ? ".5" : f == 1 ? "." : "") + units[u]);
        var span = term.Array[1, 3].Select(t => string.Join(' ', t));
        var pcg = new PCG(3, DifferentialVerifyTests.Seed);
        for (int i = 0; i < 30; i++)
            AssertSame(root, span.Array[1, 4].Generate(pcg, null, out _));
    }

    private static void AssertSame(TempRoot root, string[] values)
    {
        CommandResult theirs = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["timespan", .. values], root.Environment);
        CommandResult ours = Command.Run(SummonBinary.Path, ["analyze", "timespan", .. values], root.Environment);
        string context = $"timespan {string.Join(' ', values.Select(v => $"'{v}'"))}\n{theirs}\nsummon:\n{ours}";
        Assert.True(theirs.ExitCode == ours.ExitCode && theirs.StdOut == ours.StdOut, context);
        Assert.True(theirs.StdErrLines.FirstOrDefault() == ours.StdErrLines.FirstOrDefault(), context);
    }
}
