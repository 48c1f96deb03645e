using Summon.Units;

namespace Summon.Core.Tests.Units;

public sealed class ResourceLimitsTests : IDisposable
{
    private const ulong Inf = ResourceLimitValue.Infinity;
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // rlimit_parse() per resource: input → (soft, hard), like systemd's test-rlimit-util.
    public static TheoryData<string, string, ulong, ulong> Valid => new()
    {
        { "LimitNOFILE", "1234", 1234, 1234 },
        { "LimitNOFILE", "1024:4096", 1024, 4096 },
        { "LimitNOFILE", "infinity", Inf, Inf },
        { "LimitNOFILE", "10:infinity", 10, Inf },
        { "LimitNOFILE", "0x10", 16, 16 },
        { "LimitNOFILE", "010", 8, 8 },
        { "LimitNPROC", "  7", 7, 7 },
        { "LimitCORE", "0", 0, 0 },
        { "LimitCORE", "1K", 1024, 1024 },
        { "LimitAS", "1.5G", 1610612736, 1610612736 },
        { "LimitMEMLOCK", "64M:infinity", 67108864, Inf },
        { "LimitSTACK", "8M", 8388608, 8388608 },
        { "LimitCPU", "10", 10, 10 },
        { "LimitCPU", "1h", 3600, 3600 },
        { "LimitCPU", "1.5s", 2, 2 },
        { "LimitCPU", "500ms:1min", 1, 60 },
        { "LimitRTTIME", "5000", 5000, 5000 },
        { "LimitRTTIME", "5s", 5000000, 5000000 },
        { "LimitRTTIME", "1ms:2ms", 1000, 2000 },
        { "LimitNICE", "+0", 20, 20 },
        { "LimitNICE", "+19", 1, 1 },
        { "LimitNICE", "-20", 40, 40 },
        { "LimitNICE", "-0", 20, 20 },
        { "LimitNICE", "0", 0, 0 },
        { "LimitNICE", "40", 40, 40 },
        { "LimitRTPRIO", "99", 99, 99 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ParsesValues(string key, string value, ulong soft, ulong hard)
    {
        ResourceLimitKind kind = ResourceLimits.FromKey(key)!.Value;
        Assert.Equal(0, ResourceLimits.TryParse(kind, value, out ResourceLimitValue limit));
        Assert.Equal(new ResourceLimitValue(soft, hard), limit);
    }

    // Wording checked against systemd-analyze verify 252.
    [Theory]
    [InlineData("LimitNOFILE", "10:5", "Soft resource limit chosen higher than hard limit, ignoring: 10:5")]
    [InlineData("LimitNOFILE", "infinity:1", "Soft resource limit chosen higher than hard limit, ignoring: infinity:1")]
    [InlineData("LimitNOFILE", "abc", "Failed to parse resource value, ignoring: abc")]
    [InlineData("LimitNOFILE", "", "Failed to parse resource value, ignoring: ")]
    [InlineData("LimitNOFILE", "1:2:3", "Failed to parse resource value, ignoring: 1:2:3")]
    [InlineData("LimitNOFILE", ":5", "Failed to parse resource value, ignoring: :5")]
    [InlineData("LimitNOFILE", "5:", "Failed to parse resource value, ignoring: 5:")]
    [InlineData("LimitNOFILE", "18446744073709551615", "Failed to parse resource value, ignoring: 18446744073709551615")]
    [InlineData("LimitNOFILE", "-1", "Failed to parse resource value, ignoring: -1")]
    [InlineData("LimitCPU", "1h:2x", "Failed to parse resource value, ignoring: 1h:2x")]
    [InlineData("LimitNICE", "+20", "Failed to parse resource value, ignoring: +20")]
    [InlineData("LimitNICE", "-21", "Failed to parse resource value, ignoring: -21")]
    [InlineData("LimitNICE", "41", "Failed to parse resource value, ignoring: 41")]
    [InlineData("LimitFSIZE", "1Q", "Failed to parse resource value, ignoring: 1Q")]
    [InlineData("IgnoreSIGPIPE", "maybe", "Failed to parse boolean value, ignoring: maybe")]
    [InlineData("NonBlocking", "maybe", "Failed to parse boolean value, ignoring: maybe")]
    public void WarnsLikeSystemd(string key, string value, string message)
    {
        LoadedUnit unit = Load($"[Service]\nExecStart=/bin/true\n{key}={value}\n");
        Assert.Equal([$"{_dir}/a.service:3: {message}"], unit.Diagnostics.Select(d => d.ToString()));
        Assert.Empty(unit.Service!.Exec.Limits);
        Assert.True(unit.Service.Exec.IgnoreSigpipe);
        Assert.False(unit.Service.Exec.NonBlocking);
    }

    [Fact]
    public void LoadsIntoExecSettings()
    {
        LoadedUnit unit = Load("""
            [Service]
            ExecStart=/bin/true
            LimitNOFILE=100
            LimitNOFILE=1234
            LimitCORE=infinity
            LimitCPU=2min:1h
            IgnoreSIGPIPE=no
            NonBlocking=yes
            User=nobody
            Group=nogroup
            SupplementaryGroups=adm
            SupplementaryGroups=tty users
            UMask=0077
            Nice=5
            """);
        Assert.Empty(unit.Diagnostics);
        ExecSettings e = unit.Service!.Exec;
        Assert.Equal(
            [
                new(ResourceLimitKind.Cpu, new ResourceLimitValue(120, 3600)),
                new(ResourceLimitKind.Core, new ResourceLimitValue(Inf, Inf)),
                new KeyValuePair<ResourceLimitKind, ResourceLimitValue>(ResourceLimitKind.Nofile, new ResourceLimitValue(1234, 1234)),
            ],
            e.Limits);
        Assert.False(e.IgnoreSigpipe);
        Assert.True(e.NonBlocking);
        Assert.Equal("nobody", e.User);
        Assert.Equal("nogroup", e.Group);
        Assert.Equal(["adm", "tty", "users"], e.SupplementaryGroups);
        Assert.Equal(0x3Fu, e.UMask);
        Assert.Equal(5, e.Nice);
    }

    [Fact]
    public void DefaultsAreSystemds()
    {
        ExecSettings e = Load("[Service]\nExecStart=/bin/true\n").Service!.Exec;
        Assert.Empty(e.Limits);
        Assert.True(e.IgnoreSigpipe);
        Assert.False(e.NonBlocking);
        Assert.Null(e.User);
        Assert.Null(e.UMask);
        Assert.Null(e.Nice);
    }

    [Theory]
    [InlineData("RLIMIT_NOFILE", null)]
    [InlineData("LimitNOFILE", ResourceLimitKind.Nofile)]
    [InlineData("LimitRTTIME", ResourceLimitKind.Rttime)]
    [InlineData("Limitnofile", null)]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void MapsKeys(string key, object? kindValue) => Assert.Equal(((ResourceLimitKind?)kindValue), ResourceLimits.FromKey(key));

    [Fact]
    public void KindsAreLinuxNumbers()
    {
        Assert.Equal(7, (int)ResourceLimitKind.Nofile);
        Assert.Equal(6, (int)ResourceLimitKind.Nproc);
        Assert.Equal(9, (int)ResourceLimitKind.As);
        Assert.Equal(15, (int)ResourceLimitKind.Rttime);
    }

    private LoadedUnit Load(string content)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), content);
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        return loader.Load(UnitName.Parse("a.service"));
    }
}
