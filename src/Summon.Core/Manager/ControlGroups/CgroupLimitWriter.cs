using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// Writes a unit's limits into its cgroup with systemd's conversions: into cgroup2 files where the controller is
/// enabled there, else into the v1 controller of a hybrid layout (a directory of its own, which the child joins),
/// else says once which keys this system cannot apply.
/// </summary>
internal sealed class CgroupLimitWriter(CgroupTree tree, string dir, ResourceControl rc, Action<string> warn)
{
    private readonly List<string> _unapplied = [];

    public void Apply(List<string> legacyDirs)
    {
        Memory(legacyDirs);
        Tasks(legacyDirs);
        Cpu(legacyDirs);
        Io(legacyDirs);
        if (_unapplied.Count > 0)
            warn($"The control group controllers for {string.Join(", ", _unapplied.Select(k => k + "="))} are not available here, ignoring.");
    }

    private void Memory(List<string> legacyDirs)
    {
        if (tree.Controllers.Contains("memory"))
        {
            Unified("memory.min", rc.MemoryMin, 0);
            Unified("memory.low", rc.MemoryLow, 0);
            Unified("memory.high", rc.MemoryHigh, ulong.MaxValue);
            Unified("memory.max", rc.MemoryMax, ulong.MaxValue);
            Unified("memory.swap.max", rc.MemorySwapMax, ulong.MaxValue);
            return;
        }
        bool any = rc.MemoryMax is not null || rc.MemoryHigh is not null || rc.MemoryLow is not null || rc.MemoryMin is not null || rc.MemorySwapMax is not null;
        if (!any)
            return;
        if (Legacy("memory", legacyDirs) is { } legacy)
        {
            // The v1 memory controller has a hard limit only (what systemd 252 writes there too).
            if (rc.MemoryMax is { } max)
                Write(legacy, "memory.limit_in_bytes", CgroupValues.LegacyLimit(tree.Memory(max)));
            foreach ((string key, ScaledLimit? value) in (ReadOnlySpan<(string, ScaledLimit?)>)[("MemoryHigh", rc.MemoryHigh), ("MemoryLow", rc.MemoryLow), ("MemoryMin", rc.MemoryMin), ("MemorySwapMax", rc.MemorySwapMax)])
                if (value is not null)
                    _unapplied.Add(key);
            return;
        }
        foreach ((string key, ScaledLimit? value) in (ReadOnlySpan<(string, ScaledLimit?)>)[("MemoryMax", rc.MemoryMax), ("MemoryHigh", rc.MemoryHigh), ("MemoryLow", rc.MemoryLow), ("MemoryMin", rc.MemoryMin), ("MemorySwapMax", rc.MemorySwapMax)])
            if (value is not null)
                _unapplied.Add(key);
    }

    private void Tasks(List<string> legacyDirs)
    {
        string limit = CgroupValues.Limit(tree.TasksMax(rc));
        if (tree.Controllers.Contains("pids"))
            Write(dir, "pids.max", limit);
        else if (rc.TasksMax is not null)
        {
            // DefaultTasksMax= alone does not make a v1 cgroup for every service: that would cost each spawn (and
            // each Accept=yes connection) a second cgroup and migration; an explicit TasksMax= does.
            if (Legacy("pids", legacyDirs) is { } legacy)
                Write(legacy, "pids.max", limit);
            else
                _unapplied.Add("TasksMax");
        }
    }

    private void Cpu(List<string> legacyDirs)
    {
        bool quota = rc.CPUQuotaPerSecUSec is not null, weight = rc.CPUWeight is not null || rc.StartupCPUWeight is not null;
        ulong? w = rc.CPUWeight ?? rc.StartupCPUWeight;
        if (tree.Controllers.Contains("cpu"))
        {
            if (quota || rc.CPUQuotaPeriodUSec is not null)
                Write(dir, "cpu.max", CgroupValues.CpuMax(rc.CPUQuotaPerSecUSec, rc.CPUQuotaPeriodUSec));
            if (w is { } weightValue)
                Write(dir, "cpu.weight", weightValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        if (!quota && !weight)
            return;
        if (Legacy("cpu", legacyDirs) is { } legacy)
        {
            if (quota)
            {
                Write(legacy, "cpu.cfs_period_us", CgroupValues.CpuPeriod(rc.CPUQuotaPeriodUSec, rc.CPUQuotaPerSecUSec).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write(legacy, "cpu.cfs_quota_us", CgroupValues.LegacyCpuQuota(rc.CPUQuotaPerSecUSec, rc.CPUQuotaPeriodUSec));
            }
            if (w is { } weightValue)
                Write(legacy, "cpu.shares", CgroupValues.CpuShares(weightValue).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        if (quota)
            _unapplied.Add("CPUQuota");
        if (weight)
            _unapplied.Add("CPUWeight");
    }

    private void Io(List<string> legacyDirs)
    {
        if (rc.IOWeight is not { } weight)
            return;
        if (tree.Controllers.Contains("io"))
        {
            Write(dir, "io.weight", $"default {weight}");
            return;
        }
        // blkio.weight exists only with a scheduler that weighs (BFQ); without it the key is reported.
        if (Legacy("io", legacyDirs) is { } legacy && File.Exists(Path.Combine(legacy, "blkio.weight")))
            Write(legacy, "blkio.weight", CgroupValues.BlkioWeight(weight).ToString(System.Globalization.CultureInfo.InvariantCulture));
        else
            _unapplied.Add("IOWeight");
    }

    private void Unified(string file, ScaledLimit? limit, ulong unset)
    {
        ulong value = limit is { } l ? tree.Memory(l) : unset;
        if (limit is not null || File.Exists(Path.Combine(dir, file)))
            Write(dir, file, CgroupValues.Limit(value));
    }

    /// <summary>The unit's directory in a v1 controller of a hybrid layout, made; null when that controller is not there.</summary>
    private string? Legacy(string controller, List<string> legacyDirs) =>
        tree.LegacyRoots.ContainsKey(controller) ? tree.LegacyDirectory(controller, dir, legacyDirs) : null;

    private void Write(string directory, string file, string value)
    {
        int r = CgroupFile.Write(Path.Combine(directory, file), value);
        if (r != 0)
            warn($"Failed to set '{file}' attribute on '{directory}' to '{value}': {Posix.Errno.Describe(r)}");
    }
}
