using System.Globalization;
using Summon.Processes;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// A test's own cgroup2 subtree (SUMMON_CGROUP_ROOT), so managers side by side never share a unit's cgroup, and its
/// removal: every process left in it (and in the v1 directories a hybrid layout mirrors it in) is killed, then the
/// directories are removed deepest first. Null where this machine has no writable cgroup2 hierarchy.
/// </summary>
internal sealed class CgroupScratch
{
    private CgroupScratch(string root, List<string> legacy)
    {
        Root = root;
        Legacy = legacy;
    }

    /// <summary>The cgroup2 directory (absolute path), made by the manager that uses it.</summary>
    public string Root { get; }

    /// <summary>"/summon-it-…", as status and ControlGroup= show paths below the mount.</summary>
    public string DisplayRoot => Root[(Mounts.Unified?.Length ?? 0)..];

    private List<string> Legacy { get; }

    private static readonly CgroupMounts Mounts = CgroupMounts.Read();

    /// <summary>Why control-group tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => Mounts.Unified is not { } mount ? "no cgroup2 hierarchy is mounted"
        : Access(mount) ? null : $"{mount} is not writable";

    public static CgroupScratch? Create(string name)
    {
        if (Unavailable is not null)
            return null;
        string own = Mounts.UnifiedPath == "/" ? "" : Mounts.UnifiedPath;
        var legacy = Mounts.Legacy.Values.Distinct().Select(m => m.Mount + (m.Path == "/" ? "" : m.Path) + "/" + name).ToList();
        return new CgroupScratch(Mounts.Unified + own + "/" + name, legacy);
    }

    public void Remove()
    {
        foreach (string dir in (List<string>)[Root, .. Legacy])
            KillAll(dir);
        for (int attempt = 0; attempt < 50; attempt++)
        {
            bool left = false;
            foreach (string dir in (List<string>)[Root, .. Legacy])
                left |= !RemoveTree(dir);
            if (!left)
                return;
            Thread.Sleep(20);
        }
    }

    private static void KillAll(string dir)
    {
        if (!Directory.Exists(dir))
            return;
        try
        {
            foreach (string cgroup in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Append(dir))
                foreach (string line in File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")))
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                        Signals.Send(pid, Signals.SIGKILL);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>True once the directory is gone.</summary>
    private static bool RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
            return true;
        try
        {
            foreach (string cgroup in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(dir))
                Directory.Delete(cgroup);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Access(string path) => Summon.Interop.Libc.Access(path, Summon.Interop.Libc.W_OK) == 0;
}
