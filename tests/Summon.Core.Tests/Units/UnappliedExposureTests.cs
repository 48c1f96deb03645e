using Summon.Units;
using Summon.Units.Security;

namespace Summon.Core.Tests.Units;

/// <summary>`analyze security` scores a protective key Summon does not apply as not set, strict mode or not: the unit
/// never runs with it (its starts fail, or start without it under best-effort).</summary>
public sealed class UnappliedExposureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-exposure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A value that asks, for each row whose key one of systemd's exposure checks scores enough to move the
    /// overall figure (ProcSubset='s weight is lost in the rounding).</summary>
    private static readonly Dictionary<string, string> Scored = new(StringComparer.Ordinal)
    {
        ["DynamicUser"] = "yes", ["ProtectProc"] = "invisible", ["RootDirectory"] = "/srv/root",
        ["RootImage"] = "/srv/root.raw", ["IPAddressDeny"] = "any", ["DevicePolicy"] = "closed",
    };

    private ulong Exposure(string name, string settings, bool asWritten)
    {
        string file = Path.Combine(_dir, name);
        File.WriteAllText(file, $"[Service]\nExecStart=/bin/true\n{settings}\n");
        return UnitExposure.Assess(name, [file], _ => false, bestEffort: false, asWritten).Exposure;
    }

    [Fact]
    public void AnUnappliedKeyScoresAsNotSetAndAsWrittenScoresIt()
    {
        ulong plain = Exposure("plain.service", "", asWritten: false);
        foreach (var row in UnappliedSandboxKeys.All)
        {
            if (!Scored.TryGetValue(row.Key, out string? value))
                continue;
            string setting = $"{row.Key}={value}";
            Assert.True(plain == Exposure("asks.service", setting, asWritten: false), setting);
            Assert.True(plain != Exposure("asks.service", setting, asWritten: true), setting + " (as written)");
        }
    }
}
