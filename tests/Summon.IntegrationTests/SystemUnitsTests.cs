using System.Text.Json;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Every .socket and .service this machine ships (/lib/systemd/system, /usr/lib/systemd/user) loads through
/// `summon analyze dump-unit`, and `summon verify` prints for them exactly what systemd-analyze verify prints
/// (Summon's own "does not support" notices and systemd's man page checks aside).
/// </summary>
public sealed class SystemUnitsTests
{
    private static string[] Files() =>
        [.. new[] { "/lib/systemd/system", "/usr/lib/systemd/user" }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.socket").Concat(Directory.GetFiles(d, "*.service")))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_installed_unit_loads_through_dump_unit_unless_masked()
    {
        string[] files = Files();
        if (files.Length == 0)
            return; // nothing installed
        using var root = new TempRoot();
        CommandResult result = Command.Run(SummonBinary.Path, ["analyze", "dump-unit", "-o", "json", .. files], root.Environment);
        using JsonDocument json = JsonDocument.Parse(result.StdOut);
        var notLoaded = json.RootElement.EnumerateArray()
            .Select(u => (Id: u.GetProperty("Id").GetString()!, State: u.GetProperty("LoadState").GetString()!))
            .Where(u => u.State != "loaded")
            .ToList();
        Assert.Equal(files.Length, json.RootElement.GetArrayLength());
        // Masked units (links to /dev/null) are the only ones that do not load, for systemd as for Summon.
        Assert.All(notLoaded, u => Assert.Equal("masked", u.State));
        Assert.All(notLoaded, u => Assert.Contains($"Unit {u.Id} is masked.", result.StdErrLines));
    }

    [OracleFact]
    public void Verify_of_every_installed_unit_prints_what_systemd_analyze_prints()
    {
        string[] files = Files();
        if (files.Length == 0)
            return;
        using var root = new TempRoot();
        CommandResult oracle = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["verify", "--man=no", .. files], root.Environment, timeout: TimeSpan.FromMinutes(2));
        CommandResult ours = Command.Run(SummonBinary.Path, ["verify", .. files], root.Environment);
        string[] Relevant(CommandResult r) => [.. r.StdErrLines.Where(l => !l.Contains("Summon does not support ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(Relevant(oracle), Relevant(ours));
        Assert.Equal(oracle.ExitCode, ours.ExitCode);
    }
}
