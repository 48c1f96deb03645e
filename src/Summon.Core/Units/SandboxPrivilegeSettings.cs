namespace Summon.Units;

/// <summary>
/// The privilege side of the sandbox (issue 14) as a unit sets it: capabilities, no_new_privs, the user, network,
/// IPC and UTS namespaces, DynamicUser=, and the capability aspects of the keys the parts share (PrivateDevices=,
/// ProtectKernelModules=, ProtectKernelLogs=, ProtectClock=). What DynamicUser= implies for the other parts is read
/// from the <c>Implied…</c> properties here, the one home of that rule.
/// </summary>
internal sealed class SandboxPrivilegeSettings
{
    /// <summary>CapabilityBoundingSet=: bit n keeps capability n; <see cref="CapabilityNames.All"/> when not set.</summary>
    public ulong CapabilityBoundingSet { get; set; } = CapabilityNames.All;

    /// <summary>AmbientCapabilities=: bit n raises capability n.</summary>
    public ulong AmbientCapabilities { get; set; }

    public bool NoNewPrivileges { get; set; }

    public bool PrivateUsers { get; set; }

    public bool PrivateNetwork { get; set; }

    public bool PrivateIpc { get; set; }

    public bool ProtectHostname { get; set; }

    public bool PrivateDevices { get; set; }

    public bool ProtectKernelModules { get; set; }

    public bool ProtectKernelLogs { get; set; }

    public bool ProtectClock { get; set; }

    public bool DynamicUser { get; set; }

    public bool RemoveIpc { get; set; }

    /// <summary>NoNewPrivileges= as applied: set, or implied by DynamicUser= (systemd.exec(5)).</summary>
    public bool EffectiveNoNewPrivileges => NoNewPrivileges || DynamicUser;

    /// <summary>RemoveIPC= as applied: set, or implied by DynamicUser=.</summary>
    public bool EffectiveRemoveIpc => RemoveIpc || DynamicUser;

    /// <summary>DynamicUser= implies ProtectSystem=strict (mounts part).</summary>
    public bool ImpliesProtectSystemStrict => DynamicUser;

    /// <summary>DynamicUser= implies ProtectHome=read-only (mounts part).</summary>
    public bool ImpliesProtectHomeReadOnly => DynamicUser;

    /// <summary>DynamicUser= implies PrivateTmp= (mounts part).</summary>
    public bool ImpliesPrivateTmp => DynamicUser;

    /// <summary>DynamicUser= implies RestrictSUIDSGID= (seccomp part).</summary>
    public bool ImpliesRestrictSuidSgid => DynamicUser;

    /// <summary>True when the unit asks for anything this part applies.</summary>
    public bool Any => CapabilityBoundingSet != CapabilityNames.All || AmbientCapabilities != 0 || NoNewPrivileges || PrivateUsers
        || PrivateNetwork || PrivateIpc || ProtectHostname || PrivateDevices || ProtectKernelModules || ProtectKernelLogs || ProtectClock
        || DynamicUser;
}
