using System.Globalization;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// systemd 252's conversions from unit settings to the values written into cgroup files (src/core/cgroup.c), for the
/// unified hierarchy and for the v1 controllers of a hybrid layout.
/// </summary>
internal static class CgroupValues
{
    /// <summary>CGROUP_CPU_QUOTA_DEFAULT_PERIOD_USEC: cpu.max's period when CPUQuotaPeriodSec= is not set.</summary>
    public const ulong DefaultCpuPeriodUSec = 100_000;

    private const ulong USecPerMSec = 1000, USecPerSec = 1_000_000;

    /// <summary>DefaultTasksMax= of systemd 252: 15% of the system's task maximum.</summary>
    public static readonly ScaledLimit DefaultTasksMax = new(1500, 10000);

    /// <summary>A limit in bytes or tasks as cgroup2 files take it: "max" for infinity.</summary>
    public static string Limit(ulong value) => value == ulong.MaxValue ? "max" : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A limit as v1 files take it: -1 for infinity.</summary>
    public static string LegacyLimit(ulong value) => value == ulong.MaxValue ? "-1" : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The period cpu.max gets: the default unless CPUQuotaPeriodSec= is set, which is clamped so that both the period
    /// and the quota per period are at least the kernel's 1 ms and the period at most 1 s (cgroup_cpu_adjust_period).
    /// </summary>
    public static ulong CpuPeriod(ulong? periodUSec, ulong? quotaPerSecUSec)
    {
        if (quotaPerSecUSec is null || periodUSec is null)
            return DefaultCpuPeriodUSec;
        ulong quota = quotaPerSecUSec.Value;
        ulong floor = Math.Max(Math.Max(periodUSec.Value, USecPerMSec), USecPerMSec * USecPerSec / quota);
        return Math.Min(floor, USecPerSec);
    }

    /// <summary>cpu.max: "QUOTA PERIOD", the quota per period at least 1 ms, or "max PERIOD".</summary>
    public static string CpuMax(ulong? quotaPerSecUSec, ulong? periodUSec)
    {
        ulong period = CpuPeriod(periodUSec, quotaPerSecUSec);
        if (quotaPerSecUSec is not { } quota)
            return $"max {period}";
        ulong perPeriod = Math.Max((ulong)((UInt128)quota * period / USecPerSec), USecPerMSec);
        return string.Create(CultureInfo.InvariantCulture, $"{perPeriod} {period}");
    }

    /// <summary>cpu.cfs_quota_us for the v1 cpu controller (with cpu.cfs_period_us = <see cref="CpuPeriod"/>).</summary>
    public static string LegacyCpuQuota(ulong? quotaPerSecUSec, ulong? periodUSec)
    {
        if (quotaPerSecUSec is not { } quota)
            return "-1";
        ulong period = CpuPeriod(periodUSec, quotaPerSecUSec);
        return Math.Max((ulong)((UInt128)quota * period / USecPerSec), USecPerMSec).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>cgroup_cpu_weight_to_shares(): weight 100 is 1024 shares, clamped to the kernel's 2…262144.</summary>
    public static ulong CpuShares(ulong weight) => Math.Clamp(weight * 1024 / 100, 2, 262144);

    /// <summary>cgroup_weight_io_to_blkio(): weight 100 is blkio's default 500, clamped to 10…1000.</summary>
    public static ulong BlkioWeight(ulong weight) => Math.Clamp(weight * 500 / 100, 10, 1000);

    /// <summary>system_tasks_max(): the smallest of the kernel's bound, pid_max − 1 and threads-max − 1.</summary>
    public static ulong SystemTasksMax(ulong? pidMax, ulong? threadsMax)
    {
        const ulong tasksMax = 4194303;
        ulong a = pidMax is > 0 ? pidMax.Value - 1 : tasksMax, b = threadsMax is > 0 ? threadsMax.Value - 1 : tasksMax;
        return Math.Min(tasksMax, Math.Min(a, b));
    }

    /// <summary>physical_memory_scale(): v/max of physical memory, in whole pages.</summary>
    public static ulong ScaleMemory(ScaledLimit limit, ulong physicalMemory, ulong pageSize)
    {
        if (limit.Scale == 0)
            return limit.Value;
        ulong pages = physicalMemory / pageSize;
        ulong scaledPages = ScaledLimit.ScaleOf(pages, limit.Value, limit.Scale);
        return scaledPages > ulong.MaxValue / pageSize ? ulong.MaxValue : scaledPages * pageSize;
    }
}
