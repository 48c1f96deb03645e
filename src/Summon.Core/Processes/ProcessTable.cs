using System.Globalization;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>Reads /proc for what the manager cannot learn from pidfds: the members of a process group, a process's name and usage.</summary>
internal static class ProcessTable
{
    /// <summary>kill(-pgid, signal): every process of a service's process group; false when the group is gone.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 0 && Libc.Kill(-pgid, signal) == 0;

    /// <summary>True while any process of the group exists (EPERM still means it exists).</summary>
    public static bool GroupAlive(int pgid) => pgid > 0 && (Libc.Kill(-pgid, 0) == 0 || Errno.Last == Errno.EPERM);

    /// <summary>Pids whose process group is <paramref name="pgid"/>, lowest first.</summary>
    public static List<int> InGroup(int pgid)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (GroupOf(pid) == pgid)
                result.Add(pid);
        }
        result.Sort();
        return result;
    }

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/PID/stat), or 0 when it is gone.</summary>
    public static int GroupOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            return (int)StatField(stat, PgrpField);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>Threads, resident memory and CPU time of <paramref name="pid"/> (/proc/PID/status and stat); null when it is gone.</summary>
    public static ProcessUsage? UsageOf(int pid)
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
            long ticks = StatField(stat, UtimeField) + StatField(stat, StimeField);
            return new ProcessUsage(threads, rssKb * 1024, ticks * NanosecondsPerTick);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;   // the process ended while we looked
        }
    }

    /// <summary>
    /// When <paramref name="pid"/> started, in clock ticks since boot (field 22 of /proc/PID/stat), or 0 when it is gone:
    /// with the pid it names one process for the life of the machine, whatever pid reuse happens. A zombie counts as
    /// gone: it has exited, only its parent's wait is missing.
    /// </summary>
    public static ulong StartTimeOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            char state = stat[stat.LastIndexOf(')') + 2];
            return state is 'Z' or 'X' ? 0 : (ulong)StatField(stat, StartTimeField);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or OverflowException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The parent of <paramref name="pid"/> (field 4 of /proc/PID/stat), or 0 when it is gone.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            return (int)StatField(File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat"), PpidField);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            return 0;
        }
    }

    // Fields of /proc/PID/stat counted from the state, the first after the parenthesised comm (which may hold spaces).
    private const int PpidField = 1, PgrpField = 2, UtimeField = 11, StimeField = 12, StartTimeField = 19;

    /// <summary>USER_HZ is 100 on every Linux the manager runs on.</summary>
    private const long NanosecondsPerTick = 10_000_000;

    private static long StatField(string stat, int index)
    {
        var rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
        for (int i = 0; i < index; i++)
            rest = rest[(rest.IndexOf(' ') + 1)..];
        int end = rest.IndexOf(' ');
        return long.Parse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>The command name of <paramref name="pid"/> (/proc/PID/comm), "n/a" when it is gone.</summary>
    public static string NameOf(int pid)
    {
        try
        {
            return File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
