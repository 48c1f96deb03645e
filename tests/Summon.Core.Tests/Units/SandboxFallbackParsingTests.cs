using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary><c>[X-Summon] SandboxFallback=</c> (docs/extensions.md): read in services, a bad value warns with its line.</summary>
public sealed class SandboxFallbackParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-fallback-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SandboxFallback? Fallback, string[] Warnings) Load(string summonSection)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), $"[Service]\nExecStart=/bin/true\n\n[X-Summon]\n{summonSection}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("a.service"));
        return (unit.Service!.SandboxFallback, [.. unit.Diagnostics.Select(d => $"{d.Source[(d.Source.LastIndexOf(':') + 1)..]}: {d.Message}")]);
    }

    [Theory]
    [InlineData("SandboxFallback=strict", "Strict")]
    [InlineData("SandboxFallback=best-effort", "BestEffort")]
    [InlineData("SandboxFallback=best-effort\nSandboxFallback=", null)]
    public void ReadsTheMode(string lines, string? expected)
    {
        (SandboxFallback? fallback, string[] warnings) = Load(lines);
        Assert.Empty(warnings);
        Assert.Equal(expected, fallback?.ToString());
    }

    [Fact]
    public void ABadValueWarnsAndKeepsTheManagersMode()
    {
        (SandboxFallback? fallback, string[] warnings) = Load("SandboxFallback=lenient");
        Assert.Null(fallback);
        Assert.Equal(["5: Failed to parse sandbox fallback, ignoring: lenient (expected strict or best-effort)"], warnings);
    }

    [Fact]
    public void AnUnknownKeyOfTheSectionWarns()
    {
        (_, string[] warnings) = Load("SandboxFalback=strict");
        Assert.Equal(["5: Unknown key 'SandboxFalback' in section [X-Summon], ignoring."], warnings);
    }

    [Fact]
    public void OtherXSectionsStayIgnored()
    {
        File.WriteAllText(Path.Combine(_dir, "b.service"), "[Service]\nExecStart=/bin/true\n\n[X-Other]\nSandboxFallback=nonsense\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("b.service"));
        Assert.Empty(unit.Diagnostics);
        Assert.Null(unit.Service!.SandboxFallback);
    }
}
