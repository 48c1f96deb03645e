using Summon.Manager.ControlGroups;
using Summon.Units;

namespace Summon.Core.Tests.Manager.ControlGroups;

/// <summary>systemd 252's conversions from settings to cgroup file values (src/core/cgroup.c, src/basic/limits-util.c).</summary>
public sealed class CgroupValuesTests
{
    [Theory]
    [InlineData(200_000UL, null, "20000 100000")]          // CPUQuota=20%: 20 ms of every default 100 ms period
    [InlineData(1_500_000UL, null, "150000 100000")]       // CPUQuota=150%: one and a half CPUs
    [InlineData(5_000UL, null, "1000 100000")]             // CPUQuota=0.5%: the quota per period is at least 1 ms
    [InlineData(200_000UL, 50_000UL, "10000 50000")]       // CPUQuotaPeriodSec=50ms
    [InlineData(200_000UL, 100UL, "1000 5000")]            // a period too short for a 1 ms quota is lengthened
    [InlineData(200_000UL, 5_000_000UL, "200000 1000000")] // and one over a second is cut to a second
    [InlineData(null, null, "max 100000")]
    public void CpuMax_is_quota_and_period(ulong? quotaPerSec, ulong? period, string expected) =>
        Assert.Equal(expected, CgroupValues.CpuMax(quotaPerSec, period));

    [Fact]
    public void Legacy_cpu_quota_uses_the_same_period()
    {
        Assert.Equal("20000", CgroupValues.LegacyCpuQuota(200_000, null));
        Assert.Equal("-1", CgroupValues.LegacyCpuQuota(null, null));
    }

    [Theory]
    [InlineData(100UL, 1024UL)]
    [InlineData(1UL, 10UL)]
    [InlineData(10000UL, 102400UL)]
    public void CpuWeight_to_v1_shares(ulong weight, ulong shares) => Assert.Equal(shares, CgroupValues.CpuShares(weight));

    [Theory]
    [InlineData(100UL, 500UL)]
    [InlineData(1UL, 10UL)]
    [InlineData(10000UL, 1000UL)]
    public void IOWeight_to_v1_blkio_weight(ulong weight, ulong blkio) => Assert.Equal(blkio, CgroupValues.BlkioWeight(weight));

    [Fact]
    public void DefaultTasksMax_is_15_percent_of_the_system_maximum()
    {
        // pid_max 32768 (this image) and a larger threads-max: systemd 252 shows TasksMax=4915.
        ulong system = CgroupValues.SystemTasksMax(32768, 62000);
        Assert.Equal(32767UL, system);
        Assert.Equal(4915UL, CgroupValues.DefaultTasksMax.Resolve(system));
        Assert.Equal(4194303UL, CgroupValues.SystemTasksMax(4194304, null));
        Assert.Equal(ulong.MaxValue, ScaledLimit.Infinity.Resolve(system));
    }

    [Fact]
    public void Memory_percentages_are_whole_pages_of_physical_memory()
    {
        ulong physical = 8UL << 30;   // 8 GiB
        Assert.Equal(209715UL * 4096, CgroupValues.ScaleMemory(new ScaledLimit(1000, 10000), physical, 4096));   // 10%, whole pages
        // 1.5% of 8 GiB rounds down to a whole page.
        Assert.Equal(((physical / 4096) * 150 / 10000) * 4096, CgroupValues.ScaleMemory(new ScaledLimit(150, 10000), physical, 4096));
        Assert.Equal(64UL << 20, CgroupValues.ScaleMemory(new ScaledLimit(64UL << 20, 0), physical, 4096));
    }

    [Fact]
    public void Limits_are_written_as_max_or_minus_one_for_infinity()
    {
        Assert.Equal("max", CgroupValues.Limit(ulong.MaxValue));
        Assert.Equal("3", CgroupValues.Limit(3));
        Assert.Equal("-1", CgroupValues.LegacyLimit(ulong.MaxValue));
    }

    [Theory]
    [InlineData("system.slice", "foo.service", "system.slice/foo.service")]
    [InlineData("a-b-c.slice", "foo.service", "a.slice/a-b.slice/a-b-c.slice/foo.service")]
    [InlineData("-.slice", "foo.service", "foo.service")]
    public void Slices_nest_by_their_dashes(string slice, string unit, string expected) =>
        Assert.Equal(expected, CgroupPaths.UnitPath(slice, unit));
}
