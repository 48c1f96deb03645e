using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>What the mount list needs from the manager's side: the inaccessible nodes, the staging directory of the
/// private /dev, this unit's private /tmp and /var/tmp (null without PrivateTmp=), its service directories, and the
/// notification socket and credentials directory (bound into a unit's own root directory, as systemd does).</summary>
internal sealed record MountPlanInputs(string InaccessibleDirectory, string InaccessibleFile, string Staging,
    string? PrivateTmp, string? PrivateVarTmp, IReadOnlyList<string> ServiceDirectories, string? NotifySocket = null,
    string? CredentialsDirectory = null)
{
    /// <summary>DynamicUser=: BASE/private of the private kinds, each an empty tmpfs in the service's view.</summary>
    public IReadOnlyList<string> PrivateRoots { get; init; } = [];

    /// <summary>DynamicUser=: BASE/private/NAME, each bound from the host onto itself, over that tmpfs.</summary>
    public IReadOnlyList<string> PrivatePaths { get; init; } = [];
}

/// <summary>
/// A unit's file-system settings (<see cref="SandboxMountSettings"/>) as the mount list the child applies
/// (<see cref="SandboxMounts"/>), built as systemd's namespace.c builds it: the tables of ProtectSystem=,
/// ProtectHome=, ProtectKernel*= and ProtectControlGroups= with the unit's own paths, sorted by path (component by
/// component) and then by the priority of each kind, duplicates folded into the stronger entry, entries below an
/// inaccessible path dropped, and read-only/read-write entries that repeat their parent dropped. Nothing set costs
/// nothing: <see cref="Of"/> is null without allocating.
/// </summary>
internal static class MountPlan
{
    /// <summary>The kinds in systemd's order of priority: of two entries for one path the first wins.</summary>
    internal enum Mode
    {
        Inaccessible, Bind, BindRecursive, PrivateTmp, PrivateDev, BindDev, Sysfs, Procfs, ReadOnly, ReadWrite, NoExec, Exec, Tmpfs, Run,
        ReadWriteImplicit,
    }

    /// <param name="hostPath">The path is the host's as given (ReadWritePaths= and kin without "+"): never moved below
    /// the unit's root directory.</param>
    internal sealed class Entry(string path, Mode mode, bool ignore, string? source = null, string? options = null, bool readOnly = false,
        bool hostPath = false)
    {
        public string Path { get; } = path;

        public bool HostPath { get; } = hostPath;
        public Mode Mode { get; } = mode;
        public bool Ignore { get; } = ignore;
        public string? Source { get; } = source;
        public string? Options { get; } = options;
        public bool ReadOnly { get; set; } = readOnly;

        /// <summary>mount_entry_read_only(): what the read-only round does with it.</summary>
        public bool IsReadOnly => ReadOnly || Mode is Mode.ReadOnly or Mode.Inaccessible;

        /// <summary>prefix_where_needed(): the same entry below the root directory.</summary>
        public Entry Under(string root) =>
            HostPath ? this : new Entry(root + (Path == "/" ? "" : Path), Mode, Ignore, Source, Options, ReadOnly, hostPath: true);

        public override string ToString() => $"{Path} {Mode}{(Ignore ? " -" : "")}{(ReadOnly ? " ro" : "")}";
    }

    /// <summary>
    /// MountAPIVFS='s table: the service's own procfs (with ProtectProc='s hidepid= and ProcSubset='s subset=), the
    /// host's /dev and /sys, and an empty /run; the last three only where nothing is mounted yet.
    /// </summary>
    private static readonly (string Path, Mode Mode)[] s_apiVfs = [("/proc", Mode.Procfs), ("/dev", Mode.BindDev), ("/sys", Mode.Sysfs), ("/run", Mode.Run)];

    /// <summary>The /run tmpfs of MountAPIVFS= (namespace.c's options for it).</summary>
    private const string RunOptions = "mode=755,size=20%,nr_inodes=800k";

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_systemYes =
        [("/usr", Mode.ReadOnly, false), ("/boot", Mode.ReadOnly, true), ("/efi", Mode.ReadOnly, true)];

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_systemFull =
        [.. s_systemYes, ("/etc", Mode.ReadOnly, false)];

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_systemStrict =
    [
        ("/", Mode.ReadOnly, false), ("/proc", Mode.ReadWriteImplicit, false), ("/sys", Mode.ReadWriteImplicit, false),
        ("/dev", Mode.ReadWriteImplicit, false), ("/home", Mode.ReadWriteImplicit, true), ("/run/user", Mode.ReadWriteImplicit, true),
        ("/root", Mode.ReadWriteImplicit, true),
    ];

    private static readonly string[] s_homes = ["/home", "/run/user", "/root"];

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_kernelTunables =
    [
        ("/proc/acpi", Mode.ReadOnly, true), ("/proc/apm", Mode.ReadOnly, true), ("/proc/asound", Mode.ReadOnly, true),
        ("/proc/bus", Mode.ReadOnly, true), ("/proc/fs", Mode.ReadOnly, true), ("/proc/irq", Mode.ReadOnly, true),
        ("/proc/kallsyms", Mode.Inaccessible, true), ("/proc/kcore", Mode.Inaccessible, true),
        ("/proc/latency_stats", Mode.ReadOnly, true), ("/proc/mtrr", Mode.ReadOnly, true), ("/proc/scsi", Mode.ReadOnly, true),
        ("/proc/sys", Mode.ReadOnly, true), ("/proc/sysrq-trigger", Mode.ReadOnly, true), ("/proc/timer_list", Mode.ReadOnly, true),
        ("/sys", Mode.ReadOnly, false), ("/sys/fs/bpf", Mode.ReadOnly, true), ("/sys/fs/cgroup", Mode.ReadWriteImplicit, false),
        ("/sys/fs/selinux", Mode.ReadWriteImplicit, true), ("/sys/kernel/debug", Mode.ReadOnly, true),
        ("/sys/kernel/tracing", Mode.ReadOnly, true),
    ];

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_kernelModules =
        [("/lib/modules", Mode.Inaccessible, true), ("/usr/lib/modules", Mode.Inaccessible, true)];

    private static readonly (string Path, Mode Mode, bool Ignore)[] s_kernelLogs =
        [("/proc/kmsg", Mode.Inaccessible, true), ("/dev/kmsg", Mode.Inaccessible, true)];

    /// <summary>True when the unit's settings ask for a mount namespace (exec_needs_mount_namespace() for these keys).</summary>
    public static bool Needed(ExecSettings exec, bool dynamicUser) => exec.Mounts.Any(dynamicUser) || exec.RootDirectory is not null;

    /// <summary>RootDirectory= as the mount list uses it: null when unset or the host's own root (empty_or_root()).</summary>
    public static string? Root(ExecSettings exec) =>
        exec.RootDirectory is { Length: > 0 } given && ExecCommandParser.SimplifyPath(given).TrimEnd('/') is { Length: > 0 } root ? root : null;

    /// <summary>
    /// The mount list, or null when the unit asks for none. Under <see cref="SandboxMode.BestEffort"/> in an
    /// environment without mount namespaces it is null too, each key left out named in <paramref name="context"/>.
    /// </summary>
    public static SandboxMounts? Of(ExecSettings exec, bool dynamicUser, SandboxContext context, Func<MountPlanInputs> inputs)
    {
        if (!Needed(exec, dynamicUser))
            return null;
        if (!context.Environment.MountNamespaces && context.Mode == SandboxMode.BestEffort)
        {
            foreach (string key in Keys(exec, dynamicUser))
                context.NotApplied.Add($"{key} (no mount namespace here)");
            return null;
        }

        var given = inputs();
        string? root = Root(exec);
        var entries = Entries(exec.Mounts, dynamicUser, given, root);
        var mounts = new List<SandboxMount>(entries.Count);
        foreach (var e in entries)
            mounts.Add(ToChild(e));
        int propagation = exec.Mounts.MountFlags switch
        {
            MountPropagation.Slave => SandboxMounts.Slave,
            MountPropagation.Private => SandboxMounts.Private,
            _ => SandboxMounts.Shared,
        };
        return new SandboxMounts(mounts, propagation, given.InaccessibleDirectory, given.InaccessibleFile, given.Staging, root);
    }

    /// <summary>The keys that asked for the namespace, for the best-effort log line.</summary>
    private static IEnumerable<string> Keys(ExecSettings exec, bool dynamicUser)
    {
        var m = exec.Mounts;
        if (exec.RootDirectory is not null)
            yield return "RootDirectory=";
        if (m.MountApiVfs == true)
            yield return "MountAPIVFS=";
        if (m.ProtectProc != ProtectProcMode.Default)
            yield return "ProtectProc=" + m.ProtectProc.ToString().ToLowerInvariant();
        if (m.ProcSubset != ProcSubsetMode.All)
            yield return "ProcSubset=pid";
        if (dynamicUser)
            yield return "DynamicUser=";
        if (m.ProtectSystem != ProtectSystemMode.No)
            yield return "ProtectSystem=" + m.ProtectSystem.ToString().ToLowerInvariant();
        if (m.ProtectHome != ProtectHomeMode.No)
            yield return "ProtectHome=";
        if (m.PrivateTmp)
            yield return "PrivateTmp=";
        if (m.PrivateDevices)
            yield return "PrivateDevices=";
        if (m.ProtectKernelTunables)
            yield return "ProtectKernelTunables=";
        if (m.ProtectKernelModules)
            yield return "ProtectKernelModules=";
        if (m.ProtectKernelLogs)
            yield return "ProtectKernelLogs=";
        if (m.ProtectControlGroups)
            yield return "ProtectControlGroups=";
        if (m.ReadWritePaths.Count + m.ReadOnlyPaths.Count + m.InaccessiblePaths.Count + m.ExecPaths.Count + m.NoExecPaths.Count > 0)
            yield return "ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=/ExecPaths=/NoExecPaths=";
        if (m.TemporaryFileSystems.Count > 0)
            yield return "TemporaryFileSystem=";
        if (m.Binds.Count > 0)
            yield return "BindPaths=/BindReadOnlyPaths=";
        if (m.PrivateMounts == true || m.MountFlags is not null)
            yield return "PrivateMounts=/MountFlags=";
    }

    private static SandboxMount ToChild(Entry e)
    {
        var flags = (e.Ignore ? SandboxMountFlags.IgnoreMissing : 0) | (e.ReadOnly ? SandboxMountFlags.ReadOnly : 0);
        return e.Mode switch
        {
            Mode.Inaccessible => new(e.Path, SandboxMountKind.Inaccessible, flags),
            Mode.Bind => new(e.Path, SandboxMountKind.Bind, flags, e.Source),
            Mode.BindRecursive or Mode.PrivateTmp => new(e.Path, SandboxMountKind.Bind, flags | SandboxMountFlags.Recursive, e.Source),
            Mode.PrivateDev => new(e.Path, SandboxMountKind.PrivateDev, flags),
            Mode.ReadOnly => new(e.Path, SandboxMountKind.ReadOnly, flags),
            Mode.NoExec => new(e.Path, SandboxMountKind.NoExec, flags),
            Mode.Exec => new(e.Path, SandboxMountKind.Exec, flags),
            Mode.Tmpfs => new(e.Path, SandboxMountKind.Tmpfs, flags, null, e.Options),
            Mode.Procfs => new(e.Path, SandboxMountKind.Procfs, flags, null, e.Options),
            Mode.BindDev => new(e.Path, SandboxMountKind.BindDev, flags),
            Mode.Sysfs => new(e.Path, SandboxMountKind.Sysfs, flags),
            Mode.Run => new(e.Path, SandboxMountKind.Run, flags, null, e.Options),
            _ => new(e.Path, SandboxMountKind.ReadWrite, flags),
        };
    }

    /// <summary>
    /// The sorted, pruned list (setup_namespace()'s order before it mounts anything). With a
    /// <paramref name="root"/> every path but the host paths of ReadWritePaths= and kin moves below it, and entries
    /// left outside it are dropped.
    /// </summary>
    internal static List<Entry> Entries(SandboxMountSettings m, bool dynamicUser, MountPlanInputs inputs, string? root = null)
    {
        var list = new List<Entry>();
        void Table((string Path, Mode Mode, bool Ignore)[] table)
        {
            foreach (var (path, mode, ignore) in table)
                list.Add(new Entry(path, mode, ignore));
        }

        void Access(List<SandboxPath> paths, Mode mode)
        {
            foreach (var p in paths)
                list.Add(new Entry(p.Path, mode, p.IgnoreMissing, hostPath: root is not null && !p.InsideRoot));
        }

        Access(m.ReadWritePaths, Mode.ReadWrite);
        Access(m.ReadOnlyPaths, Mode.ReadOnly);
        Access(m.InaccessiblePaths, Mode.Inaccessible);
        Access(m.ExecPaths, Mode.Exec);
        Access(m.NoExecPaths, Mode.NoExec);
        // The service directories stay writable whatever else is read-only (compile_read_write_paths()); a unit with a
        // root of its own gets the host's directories bound in at the same paths (compile_bind_mounts()).
        foreach (string path in inputs.ServiceDirectories)
            list.Add(root is null ? new Entry(path, Mode.ReadWrite, ignore: false) : new Entry(path, Mode.BindRecursive, ignore: false, source: path));
        // DynamicUser=: the 0700 private base is replaced by an empty tmpfs the service can cross, holding only its own
        // directories (compile_bind_mounts()'s empty directories and binds).
        foreach (string privateRoot in inputs.PrivateRoots)
            list.Add(new Entry(privateRoot, Mode.Tmpfs, ignore: false, options: "mode=0755"));
        foreach (string path in inputs.PrivatePaths)
            list.Add(new Entry(path, Mode.BindRecursive, ignore: false, source: path));
        foreach (var b in m.Binds)
            list.Add(new Entry(b.Destination, b.Recursive ? Mode.BindRecursive : Mode.Bind, b.IgnoreMissing, b.Source, readOnly: b.ReadOnly));
        foreach (var t in m.TemporaryFileSystems)
        {
            var (options, readOnly) = TmpfsOptions(t.Options);
            list.Add(new Entry(t.Path, Mode.Tmpfs, ignore: false, options: options, readOnly: readOnly));
        }

        if (m.EffectivePrivateTmp(dynamicUser) && inputs.PrivateTmp is { } tmp && inputs.PrivateVarTmp is { } varTmp)
        {
            list.Add(new Entry("/tmp", Mode.PrivateTmp, ignore: false, source: tmp));
            list.Add(new Entry("/var/tmp", Mode.PrivateTmp, ignore: false, source: varTmp));
        }

        if (m.PrivateDevices)
            list.Add(new Entry("/dev", Mode.PrivateDev, ignore: false));
        if (m.ProtectKernelTunables)
            Table(s_kernelTunables);
        if (m.ProtectKernelModules)
            Table(s_kernelModules);
        if (m.ProtectKernelLogs)
            Table(s_kernelLogs);
        if (m.ProtectControlGroups)
            list.Add(new Entry("/sys/fs/cgroup", Mode.ReadOnly, ignore: false));
        switch (m.EffectiveProtectHome(dynamicUser))
        {
            case ProtectHomeMode.Yes:
                foreach (string home in s_homes)
                    list.Add(new Entry(home, Mode.Inaccessible, ignore: true));
                break;
            case ProtectHomeMode.ReadOnly:
                foreach (string home in s_homes)
                    list.Add(new Entry(home, Mode.ReadOnly, ignore: true));
                break;
            case ProtectHomeMode.Tmpfs:
                foreach (string home in s_homes)
                    list.Add(new Entry(home, Mode.Tmpfs, ignore: true, options: "mode=0755", readOnly: true));
                break;
        }

        switch (m.EffectiveProtectSystem(dynamicUser))
        {
            case ProtectSystemMode.Yes: Table(s_systemYes); break;
            case ProtectSystemMode.Full: Table(s_systemFull); break;
            case ProtectSystemMode.Strict: Table(s_systemStrict); break;
        }

        if (m.EffectiveMountApiVfs(root is not null))
        {
            // Without a root of its own the service keeps the host's /dev, /sys and /run (systemd would mount an empty
            // /run where the host has none mounted, hiding the manager's runtime directory): only /proc is its own.
            foreach (var (path, mode) in root is null ? s_apiVfs.AsSpan(0, 1) : s_apiVfs)
                list.Add(new Entry(path, mode, ignore: false, options: mode == Mode.Procfs ? ProcOptions(m) : mode == Mode.Run ? RunOptions : null));
        }

        if (root is not null)
        {
            foreach (string? hostPath in (string?[])[inputs.NotifySocket, inputs.CredentialsDirectory])
            {
                if (hostPath is not null && hostPath.StartsWith('/'))
                    list.Add(new Entry(hostPath, Mode.Bind, ignore: false, source: hostPath, readOnly: true));
            }
        }

        if (root is not null)
        {
            for (int i = 0; i < list.Count; i++)
                list[i] = list[i].Under(root);
        }

        list.Sort(Compare);
        DropDuplicates(list);
        if (root is not null)
            list.RemoveAll(e => !IsUnder(e.Path, root));   // drop_outside_root()
        DropInaccessible(list);
        DropNop(list);
        return list;
    }

    /// <summary>The procfs options of ProtectProc= and ProcSubset= (null when neither is set): the textual hidepid= that
    /// only kernels with per-instance procfs options accept, as systemd passes it.</summary>
    internal static string? ProcOptions(SandboxMountSettings m)
    {
        if (m.ProtectProc == ProtectProcMode.Default && m.ProcSubset == ProcSubsetMode.All)
            return null;
        string hidepid = m.ProtectProc == ProtectProcMode.Default ? "off" : m.ProtectProc.ToString().ToLowerInvariant();
        return "hidepid=" + hidepid + (m.ProcSubset == ProcSubsetMode.Pid ? ",subset=pid" : "");
    }

    /// <summary>TemporaryFileSystem='s options: "ro" becomes the read-only flag, the rest goes to tmpfs; mode=0755 unless given.</summary>
    private static (string Options, bool ReadOnly) TmpfsOptions(string options)
    {
        var kept = new List<string>();
        bool readOnly = false;
        foreach (string o in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (o == "ro")
                readOnly = true;
            else if (o != "rw")
                kept.Add(o);
        }

        if (!kept.Exists(o => o.StartsWith("mode=", StringComparison.Ordinal)))
            kept.Insert(0, "mode=0755");
        return (string.Join(',', kept), readOnly);
    }

    /// <summary>mount_path_compare(): by path, component by component, then by the kind's priority.</summary>
    internal static int Compare(Entry a, Entry b)
    {
        int c = ComparePaths(a.Path, b.Path);
        return c != 0 ? c : a.Mode.CompareTo(b.Mode);
    }

    internal static int ComparePaths(string a, string b)
    {
        var x = a.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var y = b.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            int c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
                return c;
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <summary>path is top or below it.</summary>
    internal static bool IsUnder(string path, string top) =>
        top == "/" || path == top || path.StartsWith(top + "/", StringComparison.Ordinal);

    /// <summary>drop_duplicates(): of entries for one path the first (strongest) stays, read-only if any was.</summary>
    private static void DropDuplicates(List<Entry> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            if (list[i].Path != list[i - 1].Path)
                continue;
            list[i - 1].ReadOnly |= list[i].IsReadOnly;
            list.RemoveAt(i);
        }
    }

    /// <summary>drop_inaccessible(): nothing below an inaccessible path is mounted.</summary>
    private static void DropInaccessible(List<Entry> list)
    {
        string? clear = null;
        list.RemoveAll(e =>
        {
            if (clear is not null && IsUnder(e.Path, clear))
                return true;
            clear = e.Mode == Mode.Inaccessible ? e.Path : null;
            return false;
        });
    }

    /// <summary>drop_nop(): a read-only or read-write entry whose closest parent entry is of the same kind changes nothing.</summary>
    private static void DropNop(List<Entry> list)
    {
        var kept = new List<Entry>(list.Count);
        foreach (var e in list)
        {
            if (e.Mode is Mode.ReadOnly or Mode.ReadWrite or Mode.ReadWriteImplicit
                && kept.FindLast(p => IsUnder(e.Path, p.Path)) is { } parent && parent.Mode == e.Mode)
                continue;
            kept.Add(e);
        }

        list.Clear();
        list.AddRange(kept);
    }
}
