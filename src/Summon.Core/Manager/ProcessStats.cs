using System.Globalization;
using Summon.Control;

namespace Summon.Manager;

/// <summary>Tasks, memory and CPU of a service's process, read from /proc (no cgroups needed).</summary>
internal static class ProcessStats
{
    public static void Add(List<UnitProperty> p, int pid)
    {
        string dir = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            long rssKb = 0;
            int threads = 0;
            foreach (var line in File.ReadLines(dir + "/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rssKb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
            string stat = File.ReadAllText(dir + "/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            p.Add(new UnitProperty("TasksCurrent", threads.ToString(CultureInfo.InvariantCulture)));
            p.Add(new UnitProperty("MemoryCurrent", (rssKb * 1024).ToString(CultureInfo.InvariantCulture)));
            p.Add(new UnitProperty("CPUUsageNSec", (ticks * 10_000_000).ToString(CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // The process ended while we looked; nothing is measurable then.
        }
    }
}
