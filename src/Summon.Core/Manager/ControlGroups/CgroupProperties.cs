using System.Globalization;
using Summon.Control;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>The `show` properties of a service's cgroup and resource settings, worded as systemctl 252 prints them.</summary>
internal static class CgroupProperties
{
    private const string NotSet = "[not set]";

    /// <summary>TasksCurrent, MemoryCurrent and CPUUsageNSec from the cgroup.</summary>
    public static void AddUsage(List<UnitProperty> p, UnitCgroup cgroup)
    {
        p.Add(new UnitProperty("TasksCurrent", cgroup.TasksCurrent().ToString(CultureInfo.InvariantCulture)));
        p.Add(new UnitProperty("MemoryCurrent", cgroup.MemoryCurrent() is { } memory ? memory.ToString(CultureInfo.InvariantCulture) : NotSet));
        p.Add(new UnitProperty("CPUUsageNSec", cgroup.CpuUsageNSec() is { } cpu ? cpu.ToString(CultureInfo.InvariantCulture) : NotSet));
    }

    public static void AddSettings(List<UnitProperty> p, ResourceControl rc, UnitCgroup? cgroup, CgroupTree? tree, bool userMode)
    {
        void Add(string name, string value) => p.Add(new UnitProperty(name, value));
        string Number(ulong v) => v.ToString(CultureInfo.InvariantCulture);
        string Memory(ScaledLimit? limit, ulong unset) =>
            (limit is { } l ? (tree is null ? l.Scale == 0 ? l.Value : ulong.MaxValue : tree.Memory(l)) : unset) is var v && v == ulong.MaxValue ? "infinity" : Number(v);
        string Weight(ulong? w) => w is { } v ? Number(v) : NotSet;

        Add("Slice", rc.Slice ?? CgroupPaths.DefaultSlice(userMode));
        Add("ControlGroup", cgroup?.Path ?? "");
        Add("Delegate", rc.Delegate ? "yes" : "no");
        if (rc.DelegateControllers is { } controllers)
            Add("DelegateControllers", string.Join(' ', controllers));
        Add("CPUAccounting", (rc.CPUAccounting ?? true) ? "yes" : "no");
        Add("CPUWeight", Weight(rc.CPUWeight));
        Add("StartupCPUWeight", Weight(rc.StartupCPUWeight));
        Add("CPUQuotaPerSecUSec", rc.CPUQuotaPerSecUSec is { } quota ? TimeSpans.Format(quota) : "infinity");
        Add("CPUQuotaPeriodUSec", rc.CPUQuotaPeriodUSec is { } period ? TimeSpans.Format(period) : "infinity");
        Add("IOAccounting", (rc.IOAccounting ?? false) ? "yes" : "no");
        Add("IOWeight", Weight(rc.IOWeight));
        Add("MemoryAccounting", (rc.MemoryAccounting ?? true) ? "yes" : "no");
        Add("MemoryMin", Memory(rc.MemoryMin, 0));
        Add("MemoryLow", Memory(rc.MemoryLow, 0));
        Add("MemoryHigh", Memory(rc.MemoryHigh, ulong.MaxValue));
        Add("MemoryMax", Memory(rc.MemoryMax, ulong.MaxValue));
        Add("MemorySwapMax", Memory(rc.MemorySwapMax, ulong.MaxValue));
        Add("TasksAccounting", (rc.TasksAccounting ?? true) ? "yes" : "no");
        ulong tasksMax = tree?.TasksMax(rc) ?? (rc.TasksMax is { Scale: 0 } t ? t.Value : ulong.MaxValue);
        Add("TasksMax", tasksMax == ulong.MaxValue ? "infinity" : Number(tasksMax));
    }
}
