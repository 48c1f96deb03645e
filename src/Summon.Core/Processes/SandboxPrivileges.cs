using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// Namespaces (user, network, IPC, UTS), capability sets and no_new_privs the child applies: what summon_privileges.c
/// reads. The in-process routine only: a spawn that needs them and cannot have it fails with 226/NAMESPACE.
/// </summary>
internal sealed record SandboxPrivileges
{
    /// <summary>CapabilityBoundingSet= (bit n: capability n stays); null: the bounding set is left alone.</summary>
    public ulong? BoundingSet { get; init; }

    /// <summary>AmbientCapabilities= (bit n: capability n is raised); 0: none.</summary>
    public ulong AmbientSet { get; init; }

    public bool NoNewPrivileges { get; init; }

    /// <summary>PrivateUsers=: a user namespace mapping <see cref="OuterUid"/>/<see cref="OuterGid"/> (the manager's)
    /// and <see cref="Uid"/>/<see cref="Gid"/> (the service's) to themselves, nothing else.</summary>
    public bool UserNamespace { get; init; }

    /// <summary>The user namespace comes first and owns the other namespaces (a manager without CAP_SYS_ADMIN);
    /// otherwise it comes after the groups are set, as systemd's system manager orders it.</summary>
    public bool UserNamespaceFirst { get; init; }

    public uint OuterUid { get; init; }

    public uint OuterGid { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>PrivateNetwork=: a network namespace with only `lo`, up.</summary>
    public bool NetworkNamespace { get; init; }

    /// <summary>PrivateIPC=.</summary>
    public bool IpcNamespace { get; init; }

    /// <summary>ProtectHostname=: a UTS namespace of its own.</summary>
    public bool UtsNamespace { get; init; }

    /// <summary>The native block the child reads.</summary>
    public SummonSpawn.Privileges ToNative() => new()
    {
        Set = (BoundingSet is null ? 0 : SummonSpawn.PRIV_BOUNDING)
            | (AmbientSet != 0 ? SummonSpawn.PRIV_AMBIENT : 0)
            | (NoNewPrivileges ? SummonSpawn.PRIV_NO_NEW_PRIVS : 0)
            | (UserNamespace ? SummonSpawn.PRIV_USERNS | (UserNamespaceFirst ? SummonSpawn.PRIV_USERNS_EARLY : 0) : 0)
            | (NetworkNamespace ? SummonSpawn.PRIV_NETNS : 0)
            | (IpcNamespace ? SummonSpawn.PRIV_IPCNS : 0)
            | (UtsNamespace ? SummonSpawn.PRIV_UTSNS : 0),
        OuterUid = OuterUid,
        OuterGid = OuterGid,
        Uid = Uid,
        Gid = Gid,
        Bounding = BoundingSet ?? 0,
        Ambient = AmbientSet,
    };
}
