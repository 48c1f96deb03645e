using System.Globalization;
using Summon.Processes;

namespace Summon.Cli.Rendering;

/// <summary>
/// The process tree under status's "CGroup:" line, read from the cgroup itself as systemctl does (show_cgroup): the
/// processes of each cgroup by pid with their command lines, then its child cgroups, drawn with ├─ └─ │.
/// </summary>
internal static class CgroupProcessTree
{
    /// <summary>The lines under "CGroup: PATH" for <paramref name="path"/> ("/system.slice/foo.service"); none when unreadable.</summary>
    public static List<string> Lines(string path)
    {
        var lines = new List<string>();
        if (CgroupMounts.Read().Unified is not { } mount)
            return lines;
        Add(lines, mount + path, "");
        return lines;
    }

    private static void Add(List<string> lines, string dir, string prefix)
    {
        var pids = new List<int>();
        try
        {
            foreach (string line in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                    pids.Add(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        pids.Sort();
        string[] children;
        try
        {
            children = [.. Directory.EnumerateDirectories(dir).Where(d => HasProcesses(d)).Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            children = [];
        }
        for (int i = 0; i < pids.Count; i++)
        {
            bool last = i == pids.Count - 1 && children.Length == 0;
            lines.Add($"{prefix}{(last ? "└─" : "├─")}{pids[i]} {CommandLine(pids[i])}");
        }
        for (int i = 0; i < children.Length; i++)
        {
            bool last = i == children.Length - 1;
            lines.Add($"{prefix}{(last ? "└─" : "├─")}{Path.GetFileName(children[i])}");
            Add(lines, children[i], prefix + (last ? "  " : "│ "));
        }
    }

    private static bool HasProcesses(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "cgroup.events")).Contains("populated 1", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>/proc/PID/cmdline with spaces between the arguments; the name in brackets when it has none (a zombie).</summary>
    private static string CommandLine(int pid)
    {
        try
        {
            string raw = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0');
            if (raw.Length > 0)
                return raw.Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "[" + ProcessTable.NameOf(pid) + "]";
    }
}
