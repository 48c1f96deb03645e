using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>What the mount list needs from the manager's side: the inaccessible nodes, the staging directory of the
/// private /dev, this unit's private /tmp and /var/tmp (null without PrivateTmp=), and its service directories.</summary>
internal sealed record MountPlanInputs(string InaccessibleDirectory, string InaccessibleFile, string Staging,
    string? PrivateTmp, string? PrivateVarTmp, IReadOnlyList<string> ServiceDirectories)
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
    internal enum Mode { Inaccessible, Bind, BindRecursive, PrivateTmp, PrivateDev, ReadOnly, ReadWrite, NoExec, Exec, Tmpfs, ReadWriteImplicit }

    internal sealed class Entry(string path, Mode mode, bool ignore, string? source = null, string? options = null, bool readOnly = false)
    {
        public string Path { get; } = path;
        public Mode Mode { get; } = mode;
        public bool Ignore { get; } = ignore;
        public string? Source { get; } = source;
        public string? Options { get; } = options;
        public bool ReadOnly { get; set; } = readOnly;

        /// <summary>mount_entry_read_only(): what the read-only round does with it.</summary>
        public bool IsReadOnly => ReadOnly || Mode is Mode.ReadOnly or Mode.Inaccessible;

        public override string ToString() => $"{Path} {Mode}{(Ignore ? " -" : "")}{(ReadOnly ? " ro" : "")}";
    }

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
    public static bool Needed(ExecSettings exec, bool dynamicUser) => exec.Mounts.Any(dynamicUser);

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
            foreach (string key in Keys(exec.Mounts, dynamicUser))
                context.NotApplied.Add($"{key} (no mount namespace here)");
            return null;
        }

        var given = inputs();
        var entries = Entries(exec.Mounts, dynamicUser, given);
        var mounts = new List<SandboxMount>(entries.Count);
        foreach (var e in entries)
            mounts.Add(ToChild(e));
        int propagation = exec.Mounts.MountFlags switch
        {
            MountPropagation.Slave => SandboxMounts.Slave,
            MountPropagation.Private => SandboxMounts.Private,
            _ => SandboxMounts.Shared,
        };
        return new SandboxMounts(mounts, propagation, given.InaccessibleDirectory, given.InaccessibleFile, given.Staging);
    }

    /// <summary>The keys that asked for the namespace, for the best-effort log line.</summary>
    private static IEnumerable<string> Keys(SandboxMountSettings m, bool dynamicUser)
    {
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
            _ => new(e.Path, SandboxMountKind.ReadWrite, flags),
        };
    }

    /// <summary>The sorted, pruned list (setup_namespace()'s order before it mounts anything).</summary>
    internal static List<Entry> Entries(SandboxMountSettings m, bool dynamicUser, MountPlanInputs inputs)
    {
        var list = new List<Entry>();
        void Table((string Path, Mode Mode, bool Ignore)[] table)
        {
            foreach (var (path, mode, ignore) in table)
                list.Add(new Entry(path, mode, ignore));
        }

        foreach (var p in m.ReadWritePaths)
            list.Add(new Entry(p.Path, Mode.ReadWrite, p.IgnoreMissing));
        foreach (var p in m.ReadOnlyPaths)
            list.Add(new Entry(p.Path, Mode.ReadOnly, p.IgnoreMissing));
        foreach (var p in m.InaccessiblePaths)
            list.Add(new Entry(p.Path, Mode.Inaccessible, p.IgnoreMissing));
        foreach (var p in m.ExecPaths)
            list.Add(new Entry(p.Path, Mode.Exec, p.IgnoreMissing));
        foreach (var p in m.NoExecPaths)
            list.Add(new Entry(p.Path, Mode.NoExec, p.IgnoreMissing));
        // The service directories stay writable whatever else is read-only (compile_read_write_paths()).
        foreach (string path in inputs.ServiceDirectories)
            list.Add(new Entry(path, Mode.ReadWrite, ignore: false));
        // DynamicUser=: the 0700 private base is replaced by an empty tmpfs the service can cross, holding only its own
        // directories (compile_bind_mounts()'s empty directories and binds).
        foreach (string root in inputs.PrivateRoots)
            list.Add(new Entry(root, Mode.Tmpfs, ignore: false, options: "mode=0755"));
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

        list.Sort(Compare);
        DropDuplicates(list);
        DropInaccessible(list);
        DropNop(list);
        return list;
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
