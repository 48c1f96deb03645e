namespace Summon.Units;

/// <summary>
/// The system-call filter settings of systemd.exec(5) (issue 14, seccomp part), as parsed: SystemCallFilter= resolved
/// to call names with their errno as systemd's hashmap holds them, the address families, the namespace types kept, and
/// the boolean restrictions. It also notes the keys of other parts whose system-call aspect it applies (ProtectClock=,
/// ProtectHostname=, ProtectKernelModules=, ProtectKernelLogs=, PrivateDevices=, DynamicUser=).
/// </summary>
internal sealed class SeccompSettings
{
    /// <summary>An entry's action: the filter's default (SystemCallErrorNumber= or kill).</summary>
    public const int ActionDefault = -1;

    /// <summary>An entry's (or SystemCallErrorNumber='s) explicit "kill".</summary>
    public const int ActionKill = int.MaxValue;

    /// <summary>CLONE_NEW* of the namespace types RestrictNamespaces= names (time, mnt, cgroup, uts, ipc, user, pid, net).</summary>
    public const ulong NamespacesAll = 0x80 | 0x20000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    /// <summary>SystemCallFilter=: call name → errno (<see cref="ActionDefault"/>, 0..4095, <see cref="ActionKill"/>);
    /// null when unset.</summary>
    public Dictionary<string, int>? SyscallFilter { get; set; }

    /// <summary>The first SystemCallFilter= line was an allow list (no "~").</summary>
    public bool SyscallAllowList { get; set; }

    /// <summary>SystemCallErrorNumber=: 1..4095, or <see cref="ActionKill"/> (the default).</summary>
    public int SyscallErrorNumber { get; set; } = ActionKill;

    /// <summary>SystemCallArchitectures=: systemd's architecture names ("native" kept as such); null when unset.</summary>
    public HashSet<string>? SyscallArchitectures { get; set; }

    /// <summary>SystemCallLog=: the call names; null when unset.</summary>
    public HashSet<string>? SyscallLog { get; set; }

    /// <summary>SystemCallLog= without "~": only the listed calls are logged.</summary>
    public bool SyscallLogAllowList { get; set; }

    /// <summary>RestrictAddressFamilies=: family numbers; null when unset (an empty allow list is "none").</summary>
    public HashSet<int>? AddressFamilies { get; set; }

    public bool AddressFamiliesAllowList { get; set; }

    /// <summary>RestrictNamespaces=: the CLONE_NEW* flags kept; null when unset (everything kept).</summary>
    public ulong? NamespacesRetained { get; set; }

    public bool RestrictRealtime { get; set; }

    public bool RestrictSuidSgid { get; set; }

    public bool LockPersonality { get; set; }

    public bool MemoryDenyWriteExecute { get; set; }

    // Keys of other parts, noted for their system-call aspect only.
    public bool ProtectClock { get; set; }

    public bool ProtectHostname { get; set; }

    public bool ProtectKernelModules { get; set; }

    public bool ProtectKernelLogs { get; set; }

    public bool PrivateDevices { get; set; }

    public bool DynamicUser { get; set; }

    /// <summary>RestrictSUIDSGID= as applied: DynamicUser= implies it (systemd.exec(5)).</summary>
    public bool RestrictSuidSgidEffective => RestrictSuidSgid || DynamicUser;

    /// <summary>True when no filter is asked for: a spawn of this unit costs nothing extra.</summary>
    public bool IsEmpty => SyscallFilter is null && SyscallArchitectures is not { Count: > 0 } && SyscallLog is null
        && !AddressFamiliesAllowList && AddressFamilies is not { Count: > 0 }
        && (NamespacesRetained is null || (NamespacesRetained.Value & NamespacesAll) == NamespacesAll)
        && !RestrictRealtime && !RestrictSuidSgidEffective && !LockPersonality && !MemoryDenyWriteExecute
        && !ProtectClock && !ProtectHostname && !ProtectKernelModules && !ProtectKernelLogs && !PrivateDevices;
}
