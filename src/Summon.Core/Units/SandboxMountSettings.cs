namespace Summon.Units;

/// <summary>ProtectSystem=: nothing, /usr and /boot read-only (yes), also /etc (full), or all but the API file systems (strict).</summary>
internal enum ProtectSystemMode { No, Yes, Full, Strict }

/// <summary>ProtectHome=: /home, /root and /run/user left alone, made inaccessible (yes), read-only, or empty tmpfs.</summary>
internal enum ProtectHomeMode { No, Yes, ReadOnly, Tmpfs }

/// <summary>MountFlags=: the propagation the service's mounts get once its view is set up (systemd's default: shared).</summary>
internal enum MountPropagation { Shared, Slave, Private }

/// <summary>ProtectProc=: the hidepid= option of the service's own procfs instance (default: none).</summary>
internal enum ProtectProcMode { Default, NoAccess, Invisible, Ptraceable }

/// <summary>ProcSubset=: all of /proc, or only the process directories (subset=pid).</summary>
internal enum ProcSubsetMode { All, Pid }

/// <summary>One path of ReadWritePaths= and its kin: "-" ignores a missing path, "+" is taken inside RootDirectory=
/// (without it the path is the host's, and dropped when it lies outside the unit's root).</summary>
internal sealed record SandboxPath(string Path, bool IgnoreMissing, bool InsideRoot);

/// <summary>One BindPaths=/BindReadOnlyPaths= item: "-source[:destination[:rbind|norbind]]".</summary>
internal sealed record SandboxBind(string Source, string Destination, bool IgnoreMissing, bool Recursive, bool ReadOnly);

/// <summary>One TemporaryFileSystem= item: "path[:options]" (mount options for tmpfs, "ro" among them).</summary>
internal sealed record SandboxTemporaryFileSystem(string Path, string Options);

/// <summary>
/// The file-system view a unit asks for (systemd.exec(5) "SANDBOXING"): what the mounts part of the sandbox applies
/// in the child's mount namespace (Manager/Exec/MountPlan.cs turns it into the sorted mount list).
/// </summary>
internal sealed class SandboxMountSettings
{
    public ProtectSystemMode ProtectSystem { get; set; }

    public ProtectHomeMode ProtectHome { get; set; }

    public bool PrivateTmp { get; set; }

    public bool PrivateDevices { get; set; }

    public bool ProtectKernelTunables { get; set; }

    public bool ProtectKernelModules { get; set; }

    public bool ProtectKernelLogs { get; set; }

    public bool ProtectControlGroups { get; set; }

    /// <summary>PrivateMounts=: null when not set (a namespace is still made when another setting needs one).</summary>
    public bool? PrivateMounts { get; set; }

    /// <summary>MountFlags=: null when not set (shared).</summary>
    public MountPropagation? MountFlags { get; set; }

    /// <summary>MountAPIVFS=: null when not set (then on exactly when RootDirectory= is set).</summary>
    public bool? MountApiVfs { get; set; }

    public ProtectProcMode ProtectProc { get; set; }

    public ProcSubsetMode ProcSubset { get; set; }

    /// <summary>RootImage=: read so that a start can refuse it (a disk image needs loop devices and dm-verity).</summary>
    public string? RootImage { get; set; }

    public List<SandboxPath> ReadWritePaths { get; } = [];

    public List<SandboxPath> ReadOnlyPaths { get; } = [];

    public List<SandboxPath> InaccessiblePaths { get; } = [];

    public List<SandboxPath> ExecPaths { get; } = [];

    public List<SandboxPath> NoExecPaths { get; } = [];

    public List<SandboxTemporaryFileSystem> TemporaryFileSystems { get; } = [];

    /// <summary>BindPaths= and BindReadOnlyPaths= in the order given.</summary>
    public List<SandboxBind> Binds { get; } = [];

    /// <summary>
    /// True when the unit asks for a mount namespace at all (systemd's exec_needs_mount_namespace() for the keys read
    /// here). A loop-free check: every spawn asks, and one without sandbox keys must allocate nothing for it.
    /// </summary>
    public bool Any(bool dynamicUser) =>
        dynamicUser || ProtectSystem != ProtectSystemMode.No || ProtectHome != ProtectHomeMode.No || PrivateTmp || PrivateDevices
        || ProtectKernelTunables || ProtectKernelModules || ProtectKernelLogs || ProtectControlGroups || PrivateMounts == true
        || MountFlags is not null || ReadWritePaths.Count > 0 || ReadOnlyPaths.Count > 0 || InaccessiblePaths.Count > 0
        || ExecPaths.Count > 0 || NoExecPaths.Count > 0 || TemporaryFileSystems.Count > 0 || Binds.Count > 0
        || MountApiVfs == true || ProtectProc != ProtectProcMode.Default || ProcSubset != ProcSubsetMode.All || RootImage is not null;

    /// <summary>
    /// namespace_info_mount_apivfs(): /proc, /dev, /sys and /run are mounted in the service's view when MountAPIVFS=
    /// says so (by default when it has a root directory of its own), and whenever the kernel keys or ProtectProc=/
    /// ProcSubset= need an API file system of their own to change.
    /// </summary>
    public bool EffectiveMountApiVfs(bool hasRootDirectory) =>
        (MountApiVfs ?? hasRootDirectory) || ProtectKernelTunables || ProtectControlGroups
        || ProtectProc != ProtectProcMode.Default || ProcSubset != ProcSubsetMode.All;

    /// <summary>ProtectSystem= in force: DynamicUser= implies strict where the unit set less (systemd.exec(5), DynamicUser=).</summary>
    public ProtectSystemMode EffectiveProtectSystem(bool dynamicUser) => dynamicUser ? ProtectSystemMode.Strict : ProtectSystem;

    /// <summary>ProtectHome= in force: DynamicUser= implies read-only unless the unit asked for more (yes or tmpfs).</summary>
    public ProtectHomeMode EffectiveProtectHome(bool dynamicUser) =>
        dynamicUser && ProtectHome is ProtectHomeMode.No ? ProtectHomeMode.ReadOnly : ProtectHome;

    /// <summary>PrivateTmp= in force: DynamicUser= implies it.</summary>
    public bool EffectivePrivateTmp(bool dynamicUser) => dynamicUser || PrivateTmp;
}
