namespace Summon.Units;

/// <summary>
/// The sandbox family of systemd.exec(5)/systemd.resource-control(5) keys (namespaces, capabilities, system-call and
/// address filters, file-system views, dynamic users, device and IP access lists), which the sandbox issue covers.
/// The coverage measure reports its figures with and without them; this is the one list of what belongs to it.
/// </summary>
internal static class SandboxKeys
{
    private static readonly string[] s_prefixes = ["Protect", "Private", "Restrict", "SystemCall", "Root", "IPAddress"];

    private static readonly HashSet<string> s_keys = new(StringComparer.Ordinal)
    {
        "CapabilityBoundingSet", "AmbientCapabilities", "NoNewPrivileges", "LockPersonality", "MemoryDenyWriteExecute",
        "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
        "ReadWriteDirectories", "ReadOnlyDirectories", "InaccessibleDirectories",
        "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths", "MountImages", "ExtensionImages", "ExtensionDirectories",
        "DynamicUser", "RemoveIPC", "DeviceAllow", "DevicePolicy", "IPIngressFilterPath", "IPEgressFilterPath",
        "SocketBindAllow", "SocketBindDeny", "MountAPIVFS", "MountFlags", "ProcSubset",
        "NetworkNamespacePath", "IPCNamespacePath", "SELinuxContext", "AppArmorProfile", "SmackProcessLabel",
        "SELinuxContextFromNet", "SmackLabel", "SmackLabelIPIn", "SmackLabelIPOut", "BPFProgram",
    };

    /// <summary>True when the key (of any section) belongs to the sandbox family.</summary>
    public static bool Contains(string key)
        => s_keys.Contains(key) || s_prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
}
