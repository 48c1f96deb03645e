namespace Summon.Units;

/// <summary>
/// The systemd keys Summon honours (or that mean nothing outside PID 1, such as ordering). Every other key of
/// <see cref="KnownKeys"/> loads fine but is reported once per unit, by verify and at load, as
/// "FILE:LINE: Summon does not support ProtectSystem=, ignoring." so that no setting is dropped silently.
/// Keep this table in step with what the Manager, Sockets and Processes rooms actually apply.
/// </summary>
internal static class SupportedKeys
{
    private static readonly HashSet<string> s_unit = new(StringComparer.Ordinal)
    {
        "Description", "Documentation", "SourcePath",
        // At boot the enabled units and what they Require=/Want= start ordered by After=/Before=.
        "After", "Before", "DefaultDependencies", "Wants", "Requires",
        "StartLimitIntervalSec", "StartLimitInterval", "StartLimitBurst",
    };

    private static readonly HashSet<string> s_install = new(StringComparer.Ordinal)
    {
        "Alias", "WantedBy", "RequiredBy", "Also", "DefaultInstance",
    };

    private static readonly HashSet<string> s_socket = new(StringComparer.Ordinal)
    {
        "ListenStream", "ListenDatagram", "ListenSequentialPacket", "ListenFIFO",
        "Accept", "Service", "MaxConnections", "MaxConnectionsPerSource", "Backlog", "BindIPv6Only",
        "SocketMode", "DirectoryMode", "SocketUser", "SocketGroup", "FileDescriptorName", "RemoveOnStop", "Symlinks", "ReusePort", "FreeBind",
        "NoDelay", "KeepAlive", "KeepAliveTimeSec", "KeepAliveIntervalSec", "KeepAliveProbes", "DeferAcceptSec",
        "Priority", "ReceiveBuffer", "SendBuffer", "Mark", "IPTTL", "PassCredentials", "PassPacketInfo",
        "Broadcast", "Transparent", "TriggerLimitIntervalSec", "TriggerLimitBurst", "PollLimitIntervalSec",
        "PollLimitBurst",
    };

    private static readonly HashSet<string> s_service = new(StringComparer.Ordinal)
    {
        "ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost",
        "Restart", "RestartSec", "TimeoutStartSec", "TimeoutStopSec", "TimeoutSec", "RuntimeMaxSec", "WatchdogSec",
        "RemainAfterExit", "PIDFile", "NotifyAccess", "FileDescriptorStoreMax", "Sockets",
        "KillMode", "KillSignal", "SendSIGKILL", "SuccessExitStatus", "RestartPreventExitStatus", "RestartForceExitStatus",
        "Environment", "EnvironmentFile", "PassEnvironment", "UnsetEnvironment", "WorkingDirectory",
        "StandardInput", "StandardOutput", "StandardError", "SyslogIdentifier",
        "User", "Group", "SupplementaryGroups", "UMask", "Nice", "IgnoreSIGPIPE", "NonBlocking",
        "LimitCPU", "LimitFSIZE", "LimitDATA", "LimitSTACK", "LimitCORE", "LimitRSS", "LimitNOFILE", "LimitAS",
        "LimitNPROC", "LimitMEMLOCK", "LimitLOCKS", "LimitSIGPENDING", "LimitMSGQUEUE", "LimitNICE", "LimitRTPRIO",
        "LimitRTTIME",
        // Issue 13 (parse): the old [Service] spellings of the unit's start limit.
        "StartLimitInterval", "StartLimitBurst",
    };

    /// <summary>Type= values Summon runs as systemd would (idle behaves as simple; dbus needs a bus).</summary>
    private static readonly HashSet<string> s_serviceTypes = new(StringComparer.Ordinal) { "", "simple", "exec", "idle", "forking", "oneshot", "notify" };

    /// <summary>The name reported when this assignment is not honoured ("ProtectSystem", "Type=dbus"), or null.</summary>
    public static string? Unsupported(string section, string key, string value)
    {
        if (section == "Service" && key == "Type")
            return s_serviceTypes.Contains(value) ? null : $"Type={value}";
        return IsSupported(section, key) ? null : key;
    }

    /// <summary>True when the key of this section is honoured; false for a known key Summon ignores.</summary>
    public static bool IsSupported(string section, string key) => section switch
    {
        "Unit" => s_unit.Contains(key),
        "Install" => s_install.Contains(key),
        "Socket" => s_socket.Contains(key),
        "Service" => s_service.Contains(key),
        _ => true,
    };

    /// <summary>The unit types the manager runs; files of other types load for verify but nothing runs them.</summary>
    public static bool RunsType(UnitType type) => type is UnitType.Service or UnitType.Socket;

    /// <summary>"Summon does not support ProtectSystem=, ignoring." / "… Type=dbus, ignoring."</summary>
    public static string Message(string what) => what.Contains('=', StringComparison.Ordinal)
        ? $"Summon does not support {what}, ignoring."
        : $"Summon does not support {what}=, ignoring.";

    /// <summary>True for a printed diagnostic that only Summon gives (what a comparison with systemd leaves out).</summary>
    public static bool IsSummonOnly(string line) => line.Contains("Summon does not support ", StringComparison.Ordinal);
}
