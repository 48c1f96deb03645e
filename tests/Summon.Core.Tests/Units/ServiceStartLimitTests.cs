using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>systemd 252 still reads the old [Service] StartLimitInterval=/StartLimitBurst= into the unit's start
/// limit (load-fragment-gperf: Service.StartLimitInterval → Unit.start_ratelimit); Debian packages use them.</summary>
public sealed class ServiceStartLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-startlimit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ServiceSectionStartLimitSetsTheUnitsLimitAndIsHonoured()
    {
        File.WriteAllText(Path.Combine(_dir, "old.service"), "[Service]\nExecStart=/bin/true\nStartLimitInterval=7s\nStartLimitBurst=3\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });

        LoadedUnit unit = loader.Load(UnitName.Parse("old.service"));

        Assert.Equal(TimeSpan.FromSeconds(7), unit.Unit.StartLimitInterval);
        Assert.Equal(3u, unit.Unit.StartLimitBurst);
        Assert.DoesNotContain(unit.Diagnostics, d => d.Message.Contains("does not support", StringComparison.Ordinal));
    }

    [Fact]
    public void ABadValueWarnsAsSystemd()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.service"), "[Service]\nExecStart=/bin/true\nStartLimitBurst=x\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });

        LoadedUnit unit = loader.Load(UnitName.Parse("bad.service"));

        Assert.Null(unit.Unit.StartLimitBurst);
        Assert.Contains(unit.Diagnostics, d => d.Message == "Failed to parse unsigned integer value, ignoring: x" || d.Message.StartsWith("Failed to parse", StringComparison.Ordinal));
    }
}
