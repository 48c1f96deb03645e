namespace Summon.Manager.Sandbox;

/// <summary>
/// What this environment lets the manager's children do, found once at start-up: the facts the sandbox's plans are
/// reduced by under <see cref="SandboxMode.BestEffort"/>, and that `analyze security` scores against.
/// </summary>
internal sealed record SandboxEnvironment
{
    /// <summary>unshare(CLONE_NEWNS) and mounts in it work (CAP_SYS_ADMIN, or inside a user namespace of our own).</summary>
    public bool MountNamespaces { get; init; }

    /// <summary>unshare(CLONE_NEWUSER) works (root, or unprivileged user namespaces allowed).</summary>
    public bool UserNamespaces { get; init; }

    /// <summary>unshare of the network, IPC and UTS namespaces works.</summary>
    public bool OtherNamespaces { get; init; }

    /// <summary>seccomp filters can be installed (SECCOMP_MODE_FILTER).</summary>
    public bool Seccomp { get; init; }

    /// <summary>The manager holds CAP_SYS_ADMIN (and the other capabilities it may drop or keep) in its effective set.</summary>
    public bool CapSysAdmin { get; init; }

    /// <summary>Everything possible: what tests and a root manager on a full kernel see.</summary>
    public static SandboxEnvironment Full { get; } = new()
    {
        MountNamespaces = true, UserNamespaces = true, OtherNamespaces = true, Seccomp = true, CapSysAdmin = true,
    };
}
