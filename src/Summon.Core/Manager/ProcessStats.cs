using System.Globalization;
using Summon.Control;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>Tasks, memory and CPU of a service's process as `show` properties (from /proc: no cgroups needed).</summary>
internal static class ProcessStats
{
    public static void Add(List<UnitProperty> p, int pid, IProcessLauncher processes)
    {
        if (processes.UsageOf(pid) is not { } usage)
            return;   // the process ended while we looked; nothing is measurable then
        p.Add(new UnitProperty("TasksCurrent", usage.Threads.ToString(CultureInfo.InvariantCulture)));
        p.Add(new UnitProperty("MemoryCurrent", usage.ResidentBytes.ToString(CultureInfo.InvariantCulture)));
        p.Add(new UnitProperty("CPUUsageNSec", usage.CpuNanoseconds.ToString(CultureInfo.InvariantCulture)));
    }
}
