using System.Text;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// Finds the cgroup2 subtree this manager may use, once at start-up: SUMMON_CGROUP_ROOT when set (a directory in a
/// cgroup2 mount, made when missing); else, for a manager whose runtime directory is redirected (SUMMON_RUNTIME_DIR,
/// managers side by side), a child of its own cgroup named after that directory, so two managers never share a unit's
/// cgroup; else its own cgroup, where services go to system.slice/ (app.slice/ for a user's) as under systemd.
/// Where none is writable the answer is null with the reason, and services keep the process-group fallback.
/// </summary>
internal static class CgroupDetection
{
    public const string RootVariable = "SUMMON_CGROUP_ROOT";

    /// <summary>The controllers Summon enables for its units in a cgroup2 subtree, where the parent offers them.</summary>
    private static readonly string[] Wanted = ["memory", "pids", "cpu", "io"];

    public static CgroupTree? Detect(bool userMode, string runtimeDirectory, out string? reason)
    {
        var mounts = CgroupMounts.Read();
        if (mounts.Unified is not { } mount)
        {
            reason = "no cgroup2 hierarchy is mounted";
            return null;
        }
        string own = mount + (mounts.UnifiedPath == "/" ? "" : mounts.UnifiedPath);
        string root;
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } configured)
        {
            root = configured.TrimEnd('/');
            if (!root.StartsWith(mount + "/", StringComparison.Ordinal))
            {
                reason = $"{RootVariable}={configured} is not below the cgroup2 mount {mount}";
                return null;
            }
        }
        else if (Environment.GetEnvironmentVariable("SUMMON_RUNTIME_DIR") is { Length: > 0 })
            root = own + "/summon-" + NameHash(runtimeDirectory);
        else
            root = own;

        int error = CgroupFile.MakeDirectories(root);
        if (error == 0 && Libc.Access(root, Libc.W_OK) != 0)
            error = Errno.Last;
        if (error != 0)
        {
            reason = $"{root} cannot be written ({Errno.Describe(error)})";
            return null;
        }

        var controllers = EnableControllers(root, own);
        reason = null;
        return new CgroupTree(mount, root, root != own, userMode, controllers, LegacyRoots(mounts, root, own, controllers));
    }

    /// <summary>
    /// Enables in <paramref name="root"/>'s subtree_control the wanted controllers it offers. cgroup v2 allows that only
    /// in a cgroup without processes (the root excepted): when the manager's own cgroup is the root and holds the
    /// manager, the manager moves into a leaf of it, init.scope, first, as systemd does in a container.
    /// </summary>
    private static HashSet<string> EnableControllers(string root, string own)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        string available = CgroupFile.Read(Path.Combine(root, "cgroup.controllers")) ?? "";
        var offered = available.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        bool moved = false;
        foreach (string controller in Wanted)
        {
            if (!offered.Contains(controller))
                continue;
            int r = CgroupFile.Write(Path.Combine(root, "cgroup.subtree_control"), "+" + controller);
            if (r == Errno.EBUSY && root == own && !moved)
            {
                moved = true;
                string leaf = Path.Combine(root, "init.scope");
                if (CgroupFile.MakeDirectories(leaf) == 0 && CgroupFile.Write(Path.Combine(leaf, "cgroup.procs"), "0") == 0)
                    r = CgroupFile.Write(Path.Combine(root, "cgroup.subtree_control"), "+" + controller);
            }
            if (r == 0)
                enabled.Add(controller);
        }
        return enabled;
    }

    /// <summary>
    /// A hybrid layout's v1 controllers (those not enabled in cgroup2), each with the directory that mirrors the
    /// cgroup2 root: the manager's own v1 cgroup, plus the part of the root below its own cgroup2 one.
    /// </summary>
    private static Dictionary<string, string> LegacyRoots(CgroupMounts mounts, string root, string own, HashSet<string> unified)
    {
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        string below = root.StartsWith(own + "/", StringComparison.Ordinal) ? root[own.Length..]
            : root == own ? "" : root[mounts.Unified!.Length..];
        foreach ((string controller, (string mount, string path)) in mounts.Legacy)
        {
            string name = controller == "blkio" ? "io" : controller;
            if (unified.Contains(name))
                continue;
            string dir = mount + (path == "/" ? "" : path) + below;
            if (Libc.Access(mount, Libc.W_OK) == 0)
                roots[name] = dir;
        }
        return roots;
    }

    /// <summary>A stable 12-hex-digit name for a runtime directory (FNV-1a over its UTF-8 bytes). Not SHA-256: on
    /// Linux System.Security.Cryptography loads OpenSSL (libssl and libcrypto), megabytes of idle RSS for a name.</summary>
    internal static string NameHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 1099511628211UL;
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..12];
    }
}
