using Summon.Interop;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// The manager's subtree of the cgroup2 hierarchy (found by <see cref="CgroupDetection"/>): the controllers enabled in
/// it, the v1 controllers of a hybrid layout beside it, and the system facts limits are scaled against. Makes a
/// unit's cgroup (<see cref="UnitCgroup"/>) with its slices and limits.
/// </summary>
internal sealed class CgroupTree
{
    private readonly bool _ownsRoot;

    public CgroupTree(string mount, string root, bool ownsRoot, bool userMode, IReadOnlySet<string> controllers,
        IReadOnlyDictionary<string, string> legacyRoots)
    {
        Mount = mount;
        Root = root;
        _ownsRoot = ownsRoot;
        UserMode = userMode;
        Controllers = controllers;
        LegacyRoots = legacyRoots;
        PhysicalMemory = ReadPhysicalMemory();
        SystemTasksMax = CgroupValues.SystemTasksMax(ReadNumber("/proc/sys/kernel/pid_max"), ReadNumber("/proc/sys/kernel/threads-max"));
    }

    /// <summary>The cgroup2 mount point (/sys/fs/cgroup, or /sys/fs/cgroup/unified in a hybrid layout).</summary>
    public string Mount { get; }

    /// <summary>The directory units' slices are made in.</summary>
    public string Root { get; }

    public bool UserMode { get; }

    /// <summary>cgroup2 controllers enabled below <see cref="Root"/> (memory, pids, cpu, io).</summary>
    public IReadOnlySet<string> Controllers { get; }

    /// <summary>Hybrid layout: v1 controller ("memory", "pids", "cpu", "io" for blkio) → the directory mirroring <see cref="Root"/>.</summary>
    public IReadOnlyDictionary<string, string> LegacyRoots { get; }

    public ulong PhysicalMemory { get; }

    public ulong SystemTasksMax { get; }

    /// <summary>The limit TasksMax= resolves to for a unit (DefaultTasksMax= when not set).</summary>
    public ulong TasksMax(ResourceControl rc) => (rc.TasksMax ?? CgroupValues.DefaultTasksMax).Resolve(SystemTasksMax);

    public ulong Memory(ScaledLimit limit) => CgroupValues.ScaleMemory(limit, PhysicalMemory, (ulong)Environment.SystemPageSize);

    /// <summary>A path below the mount as /proc/PID/cgroup and `status` name it: "/system.slice/foo.service".</summary>
    public string DisplayPath(string directory) => directory.Length == Mount.Length ? "/" : directory[Mount.Length..];

    /// <summary>
    /// Makes (or reuses) the unit's cgroup below its slice, writes its limits and opens what its children need.
    /// Limits a controller cannot take are reported through <paramref name="warn"/>, once per call.
    /// </summary>
    public UnitCgroup Open(string unitId, ResourceControl rc, uint? uid, Action<string> warn) => Open(unitId, rc, uid, warn, null, out _);

    /// <summary>
    /// <see cref="Open(string, ResourceControl, uint?, Action{string})"/>, then the unit's device and IP filters
    /// (<see cref="CgroupAccess"/>): what could not be applied is in <paramref name="notApplied"/>, for the caller to
    /// fail the start or name the downgrade.
    /// </summary>
    public UnitCgroup Open(string unitId, ResourceControl rc, uint? uid, Action<string> warn, CgroupAccessRules? access, out List<string> notApplied)
    {
        notApplied = [];
        string relative = CgroupPaths.UnitPath(rc.Slice ?? CgroupPaths.DefaultSlice(UserMode), unitId);
        string dir = Path.Combine(Root, relative);
        int error = MakeWithControllers(relative);
        if (error != 0)
            throw new CgroupException(dir, error);
        var legacyDirs = new List<string>();
        try
        {
            var applier = new CgroupLimitWriter(this, dir, rc, warn);
            applier.Apply(legacyDirs);
            if (access is not null)
                notApplied = CgroupAccess.Apply(this, dir, access, rc, legacyDirs, warn);
            if (rc.Delegate && uid is { } owner)
                Delegate(dir, owner, rc);
            return UnitCgroup.Open(this, dir, legacyDirs);
        }
        catch (CgroupException)
        {
            foreach (string legacy in legacyDirs)
                TryRemove(legacy);
            TryRemove(dir);
            throw;
        }
    }

    /// <summary>
    /// The unit's directory <paramref name="dir"/> mirrored in the v1 <paramref name="controller"/> of a hybrid layout,
    /// made and added to <paramref name="legacyDirs"/> (the child joins each); throws <see cref="CgroupException"/>.
    /// </summary>
    public string LegacyDirectory(string controller, string dir, List<string> legacyDirs)
    {
        string legacy = LegacyRoots[controller] + dir[Root.Length..];
        if (legacyDirs.Contains(legacy))
            return legacy;
        int r = CgroupFile.MakeDirectories(legacy);
        if (r != 0)
            throw new CgroupException(legacy, r);
        legacyDirs.Add(legacy);
        return legacy;
    }

    /// <summary>
    /// Slices made and given their controllers by this manager: an Accept=yes instance per connection would otherwise
    /// stat each level and write each controller to each slice again (the manager owns its subtree; a slice removed
    /// behind its back shows as ENOENT at the unit's mkdir, which forgets them all).
    /// </summary>
    private readonly HashSet<string> _slicesMade = new(StringComparer.Ordinal);

    /// <summary>0777 as mkdir -p asks, reduced by the umask.</summary>
    private const uint DirectoryMode = 0x1ff;

    /// <summary>Makes each level of <paramref name="relative"/> below the root, enabling the controllers in each slice.</summary>
    private int MakeWithControllers(string relative)
    {
        int slash = relative.LastIndexOf('/');
        string slice = slash < 0 ? "" : relative[..slash];
        if (slice.Length > 0 && !_slicesMade.Contains(slice))
        {
            int r = MakeSlices(slice);
            if (r != 0)
                return r;
            _slicesMade.Add(slice);
        }
        string unit = Path.Combine(Root, relative);
        if (Libc.Mkdir(unit, DirectoryMode) == 0 || Errno.Last == Errno.EEXIST)
            return 0;
        int error = Errno.Last;
        if (error != Errno.ENOENT || slice.Length == 0)
            return error;
        _slicesMade.Clear();
        int again = MakeSlices(slice);
        if (again != 0)
            return again;
        _slicesMade.Add(slice);
        return Libc.Mkdir(unit, DirectoryMode) == 0 || Errno.Last == Errno.EEXIST ? 0 : Errno.Last;
    }

    /// <summary>Makes each slice level of <paramref name="slices"/> below the root and enables the controllers in it.</summary>
    private int MakeSlices(string slices)
    {
        string current = Root;
        foreach (string level in slices.Split('/'))
        {
            current = Path.Combine(current, level);
            if (!Directory.Exists(current))
            {
                int r = CgroupFile.MakeDirectories(current);
                if (r != 0 && r != Errno.EEXIST)
                    return r;
            }
            foreach (string controller in Controllers)
                CgroupFile.Write(Path.Combine(current, "cgroup.subtree_control"), "+" + controller);
        }
        return 0;
    }

    /// <summary>Delegate=yes with User=: the unit's cgroup and the files a delegate writes belong to the user (CGROUP_DELEGATION.md).</summary>
    private static void Delegate(string dir, uint uid, ResourceControl rc)
    {
        foreach (string name in (string[])["", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"])
            _ = Libc.Chown(Path.Combine(dir, name), uid, uint.MaxValue);
        _ = rc;
    }

    /// <summary>rmdir of an empty cgroup (true when gone, or never there); false while processes or child cgroups are in it.</summary>
    public static bool TryRemove(string dir) => Libc.Rmdir(dir) == 0 || Errno.Last == Errno.ENOENT;

    /// <summary>At shutdown: removes the empty slices (and the root the manager made for itself), deepest first.</summary>
    public void RemoveEmpty()
    {
        foreach (string root in (IEnumerable<string>)[Root, .. LegacyRoots.Values])
        {
            if (!Directory.Exists(root))
                continue;
            try
            {
                foreach (string dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                    if (!dir.EndsWith("/init.scope", StringComparison.Ordinal))
                        TryRemove(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            if (_ownsRoot)
                TryRemove(root);
        }
    }

    private static ulong ReadPhysicalMemory()
    {
        // /proc/meminfo's MemTotal, in kB.
        foreach (string line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)
                && ulong.TryParse(line["MemTotal:".Length..].Trim().Split(' ')[0], out ulong kb))
                return kb * 1024;
        return ulong.MaxValue;
    }

    private static ulong? ReadNumber(string path) => CgroupFile.ReadNumber(path);
}
