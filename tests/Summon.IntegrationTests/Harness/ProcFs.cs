using System.Globalization;

namespace Summon.IntegrationTests.Harness;

/// <summary>One line of /proc/PID/stat, the parts the tests look at.</summary>
internal readonly record struct ProcStat(int Pid, string Comm, char State, int ParentPid, int ProcessGroup, int Session);

/// <summary>Reads process facts from /proc: open fds, children, zombies, descendants.</summary>
internal static class ProcFs
{
    /// <summary>Parses /proc/PID/stat; null once the process has gone (or was never there).</summary>
    public static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return ParseStat(text);
    }

    /// <summary>
    /// "PID (COMM) S PPID PGRP SESSION …". COMM may hold spaces and parentheses, so the fields after it are found
    /// from the last ')'.
    /// </summary>
    internal static ProcStat? ParseStat(string text)
    {
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            return null;
        }

        string[] rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 4)
        {
            return null;
        }

        return new ProcStat(
            int.Parse(text[..open].Trim(), CultureInfo.InvariantCulture),
            text[(open + 1)..close],
            rest[0][0],
            int.Parse(rest[1], CultureInfo.InvariantCulture),
            int.Parse(rest[2], CultureInfo.InvariantCulture),
            int.Parse(rest[3], CultureInfo.InvariantCulture));
    }

    /// <summary>User plus system CPU time of the process in clock ticks (utime and stime of /proc/PID/stat).</summary>
    public static long CpuTicks(int pid)
    {
        string text = File.ReadAllText($"/proc/{pid}/stat");
        string[] rest = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Every process visible now.</summary>
    public static List<ProcStat> All()
    {
        var all = new List<ProcStat>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && Stat(pid) is { } stat)
            {
                all.Add(stat);
            }
        }

        return all;
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' and not 'X' };

    /// <summary>The number of threads of a process (the Threads: line of /proc/PID/status).</summary>
    public static int Threads(int pid) => int.Parse(
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim(),
        CultureInfo.InvariantCulture);

    /// <summary>Number of open fds of a process (entries of /proc/PID/fd).</summary>
    public static int FdCount(int pid) => Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();

    /// <summary>fd number → link target (e.g. "socket:[123]", "/dev/null") of a process.</summary>
    public static SortedDictionary<int, string> Fds(int pid)
    {
        var fds = new SortedDictionary<int, string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                fds[int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture)] =
                    new FileInfo(entry).LinkTarget ?? "";
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return fds;
    }

    /// <summary>
    /// fds of a process without FD_CLOEXEC (flags in /proc/PID/fdinfo/N, octal; O_CLOEXEC is 02000000): the ones a
    /// program it execs would inherit.
    /// </summary>
    public static SortedDictionary<int, string> InheritableFds(int pid)
    {
        var inheritable = new SortedDictionary<int, string>();
        foreach ((int fd, string target) in Fds(pid))
        {
            try
            {
                string? flags = File.ReadLines($"/proc/{pid}/fdinfo/{fd}")
                    .FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
                if (flags is not null && (Convert.ToInt64(flags["flags:".Length..].Trim(), 8) & 0x80000) == 0)
                {
                    inheritable[fd] = target;
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return inheritable;
    }

    /// <summary>Children of <paramref name="parentPid"/> in state Z (exited, not reaped).</summary>
    public static List<ProcStat> ZombieChildren(int parentPid) =>
        All().Where(p => p.ParentPid == parentPid && p.State == 'Z').ToList();

    public static List<ProcStat> Children(int parentPid) => All().Where(p => p.ParentPid == parentPid).ToList();

    /// <summary>All descendants of <paramref name="pid"/> (children, their children, …), not the process itself.</summary>
    public static List<ProcStat> Descendants(int pid)
    {
        List<ProcStat> all = All();
        ILookup<int, ProcStat> byParent = all.ToLookup(p => p.ParentPid);
        var result = new List<ProcStat>();
        var pending = new Queue<int>([pid]);
        var seen = new HashSet<int> { pid };
        while (pending.TryDequeue(out int current))
        {
            foreach (ProcStat child in byParent[current])
            {
                if (seen.Add(child.Pid))
                {
                    result.Add(child);
                    pending.Enqueue(child.Pid);
                }
            }
        }

        return result;
    }
}
