namespace Summon.Manager.Sandbox;

/// <summary>What each sandbox key needs of the environment: a mount namespace, the other namespaces, a user
/// namespace, seccomp, or the cgroup filters' privileges. The one home of that fact for the plans' best-effort reductions and `analyze security`.</summary>
internal static class SandboxKeyNeeds
{
    private static readonly HashSet<string> MountKeys = new(StringComparer.Ordinal)
    {
        "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateMounts", "ReadWritePaths", "ReadOnlyPaths",
        "InaccessiblePaths", "ExecPaths", "NoExecPaths", "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths",
        "RootDirectory", "RootImage", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
        "ProtectControlGroups", "ProtectProc", "ProcSubset", "MountAPIVFS",
    };

    private static readonly HashSet<string> NamespaceKeys = new(StringComparer.Ordinal) { "PrivateNetwork", "PrivateIPC", "ProtectHostname" };

    private static readonly HashSet<string> SeccompKeys = new(StringComparer.Ordinal)
    {
        "SystemCallFilter", "SystemCallArchitectures", "SystemCallErrorNumber", "SystemCallLog", "RestrictAddressFamilies",
        "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute",
    };

    /// <summary>Filters on the unit's cgroup (Manager/ControlGroups/CgroupAccess): cgroup files and BPF programs need the
    /// manager's privileges; whether this host has the controller or cgroup2 is found at each start.</summary>
    private static readonly HashSet<string> CgroupAccessKeys = new(StringComparer.Ordinal) { "DevicePolicy", "DeviceAllow", "IPAddressAllow", "IPAddressDeny" };

    /// <summary>True when <paramref name="environment"/> cannot apply <paramref name="key"/>.</summary>
    public static bool Cannot(SandboxEnvironment environment, string key) =>
        (MountKeys.Contains(key) && !environment.MountNamespaces)
        || (NamespaceKeys.Contains(key) && !environment.OtherNamespaces)
        || (key == "PrivateUsers" && !environment.UserNamespaces)
        || (SeccompKeys.Contains(key) && !environment.Seccomp)
        || (CgroupAccessKeys.Contains(key) && !environment.CapSysAdmin);
}
