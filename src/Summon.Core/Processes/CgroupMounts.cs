namespace Summon.Processes;

/// <summary>
/// Where this system mounts control groups (/proc/self/mountinfo) and where this process sits in each hierarchy
/// (/proc/self/cgroup): the cgroup2 mount (pure v2 at /sys/fs/cgroup, hybrid at /sys/fs/cgroup/unified) and, in a
/// hybrid layout, the v1 controllers' mounts.
/// </summary>
internal sealed record CgroupMounts(string? Unified, string UnifiedPath, IReadOnlyDictionary<string, (string Mount, string Path)> Legacy)
{
    /// <summary>The v1 controllers whose limits (and device lists) Summon writes in a hybrid layout.</summary>
    public static readonly string[] LegacyControllers = ["memory", "pids", "cpu", "blkio", "devices"];

    public static CgroupMounts Read(string mountInfo = "/proc/self/mountinfo", string selfCgroup = "/proc/self/cgroup")
    {
        string? unified = null;
        var legacyMounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in ReadLines(mountInfo))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
                continue;
            string[] before = line[..dash].Split(' ');
            string[] after = line[(dash + 3)..].Split(' ');
            if (before.Length < 5 || after.Length < 3)
                continue;
            string mountPoint = Unescape(before[4]);
            if (after[0] == "cgroup2")
            {
                // Pure v2 mounts it at /sys/fs/cgroup; a hybrid layout below it. The shortest path is the system's.
                if (unified is null || mountPoint.Length < unified.Length)
                    unified = mountPoint;
            }
            else if (after[0] == "cgroup")
            {
                foreach (string option in after[2].Split(','))
                    if (LegacyControllers.Contains(option) && !legacyMounts.ContainsKey(option))
                        legacyMounts[option] = mountPoint;
            }
        }

        string unifiedPath = "/";
        var legacy = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string line in ReadLines(selfCgroup))
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[0] == "0" && parts[1].Length == 0)
                unifiedPath = parts[2];
            else
                foreach (string controller in parts[1].Split(','))
                    if (legacyMounts.TryGetValue(controller, out string? mount))
                        legacy[controller] = (mount, parts[2]);
        }
        return new CgroupMounts(unified, unifiedPath, legacy);
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
            return s;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && s.Length - i >= 4)
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
