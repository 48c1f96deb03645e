using System.Globalization;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>Reads /proc for what the manager cannot learn from pidfds: the members of a process group, a process's name.</summary>
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
            var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
            // state ppid pgrp ...
            int first = fields.IndexOf(' ');
            var rest = fields[(first + 1)..];
            int second = rest.IndexOf(' ');
            rest = rest[(second + 1)..];
            int third = rest.IndexOf(' ');
            return int.Parse(rest[..third], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return 0;
        }
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
