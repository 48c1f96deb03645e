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
        // A start pulls in what a unit Requires=/Wants=, its jobs ordered by After=/Before= (Manager/Jobs).
        "After", "Before", "DefaultDependencies", "Wants", "Requires",
        "StartLimitIntervalSec", "StartLimitInterval", "StartLimitBurst",
        // Issue 13, jobs part: the job engine's transactions (Manager/Jobs).
        "Requisite", "BindsTo", "BindTo", "PartOf", "Conflicts",
        "PropagatesReloadTo", "PropagateReloadTo", "ReloadPropagatedFrom", "PropagateReloadFrom",
        "RefuseManualStart", "RefuseManualStop", "AllowIsolate", "IgnoreOnIsolate",
        // Issue 13, jobs part: recorded, and documented in docs/compatibility.md for what they mean here.
        "RequiresMountsFor", "JoinsNamespaceOf",
        // Reactions to state changes (issue 13, reactions part): Manager/Jobs/DependencyReactions.
        "BindsTo", "BindTo", "Upholds", "OnFailure", "OnSuccess", "OnFailureJobMode", "OnSuccessJobMode",
        "StopWhenUnneeded", "SuccessAction", "FailureAction", "SuccessActionExitStatus", "FailureActionExitStatus",
        "StartLimitAction", "CollectMode",
        // Job timeouts (issue 13): Manager/Jobs/JobEngine ends a job that waited or ran too long with result "timeout".
        "JobTimeoutSec", "JobRunningTimeoutSec", "JobTimeoutAction", "JobTimeoutRebootArgument",
    };

    // Issue 13, conditions: every Condition*= and Assert*= of systemd 252 (Manager/Conditions evaluates them).
    private static readonly HashSet<string> s_conditions = new(
        Enum.GetValues<ConditionKind>().SelectMany(k => (string[])[k.KeyName(isAssert: false), k.KeyName(isAssert: true)]),
        StringComparer.Ordinal);

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
        // Issue 14, cgroup access: a socket filter on each listening socket (Manager/SocketAddressFilter.cs).
        "IPAddressAllow", "IPAddressDeny",
        // The socket's control commands (SocketUnit.Control) and the exec settings they run with.
        "ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost", "TimeoutSec",
        "User", "Group", "SupplementaryGroups", "Environment", "EnvironmentFile", "PassEnvironment", "UnsetEnvironment",
        "WorkingDirectory", "StandardInput", "StandardOutput", "StandardError", "SyslogIdentifier", "UMask", "Nice",
        "IgnoreSIGPIPE", "LimitNOFILE", "LimitCORE", "LimitNPROC", "LimitMEMLOCK",
        // Process attributes of the control commands that protect (the sandbox keys follow the service's: SocketSandboxKey).
        "SecureBits", "KeyringMode",
    };

    private static readonly HashSet<string> s_service = new(StringComparer.Ordinal)
    {
        "ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost",
        "ExecCondition",   // issue 13, conditions
        "Restart", "RestartSec", "RestartSteps", "RestartMaxDelaySec", "TimeoutStartSec", "TimeoutStopSec", "TimeoutSec", "RuntimeMaxSec", "WatchdogSec",
        "RemainAfterExit", "PIDFile", "NotifyAccess", "FileDescriptorStoreMax", "Sockets",
        // Issue 13, cgroup-driven ends: GuessMainPID=, ExitType=cgroup and OOMPolicy= act on the unit's cgroup.
        "GuessMainPID", "ExitType", "OOMPolicy",
        "KillMode", "KillSignal", "SendSIGKILL", "SuccessExitStatus", "RestartPreventExitStatus", "RestartForceExitStatus",
        "Environment", "EnvironmentFile", "PassEnvironment", "UnsetEnvironment", "WorkingDirectory",
        "StandardInput", "StandardOutput", "StandardError", "SyslogIdentifier",
        "User", "Group", "SupplementaryGroups", "UMask", "Nice", "IgnoreSIGPIPE", "NonBlocking",
        "LimitCPU", "LimitFSIZE", "LimitDATA", "LimitSTACK", "LimitCORE", "LimitRSS", "LimitNOFILE", "LimitAS",
        "LimitNPROC", "LimitMEMLOCK", "LimitLOCKS", "LimitSIGPENDING", "LimitMSGQUEUE", "LimitNICE", "LimitRTPRIO",
        "LimitRTTIME",
        // The lifecycle and logging keys: how the streams reach the journal, reload by signal, SIGHUP at stop.
        "SyslogLevel", "SyslogLevelPrefix", "LogLevelMax", "SyslogFacility", "LogExtraFields", "SendSIGHUP", "ReloadSignal", "BusName",
        // Service directories (issue 13, directories): made before the first command of a start, removed per Preserve=.
        "RuntimeDirectory", "StateDirectory", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory",
        "RuntimeDirectoryMode", "StateDirectoryMode", "CacheDirectoryMode", "LogsDirectoryMode", "ConfigurationDirectoryMode",
        "RuntimeDirectoryPreserve",
        // Credentials part: a per-invocation credentials directory, $CREDENTIALS_DIRECTORY and %d; the encrypted
        // forms are read and refused at start with 243/CREDENTIALS (no host key or TPM here).
        "LoadCredential", "LoadCredentialEncrypted", "SetCredential", "SetCredentialEncrypted", "ImportCredential",
        // Issue 13, process attributes applied in the exec child (execattr).
        "OOMScoreAdjust", "CPUSchedulingPolicy", "CPUSchedulingPriority", "CPUSchedulingResetOnFork", "CPUAffinity",
        "NUMAPolicy", "NUMAMask", "IOSchedulingClass", "IOSchedulingPriority", "Personality", "TimerSlackNSec",
        "SecureBits", "KeyringMode", "ExecSearchPath", "TTYPath", "TTYReset", "TTYVHangup",
        // Control groups (issue 13 part 6): applied where a writable cgroup hierarchy has the controller, else one warning per unit.
        "Slice", "Delegate", "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "TasksMax",
        "CPUQuota", "CPUQuotaPeriodSec", "CPUWeight", "StartupCPUWeight", "IOWeight",
        "CPUAccounting", "MemoryAccounting", "TasksAccounting", "IOAccounting",
        // Issue 14, privileges: capabilities, no_new_privs and the user, network, IPC and UTS namespaces, applied in
        // the exec child (PrivateDevices=, ProtectKernel*=, ProtectClock=, ProtectHostname= act in several steps:
        // UnitSettingsParser.SandboxShared.cs).
        "CapabilityBoundingSet", "AmbientCapabilities", "NoNewPrivileges", "PrivateUsers", "PrivateNetwork", "PrivateIPC",
        "ProtectHostname", "ProtectClock",
        // Issue 13 (parse): the old [Service] spellings of the unit's start limit.
        "StartLimitInterval", "StartLimitBurst",
        // Issue 14, seccomp part: filters installed last before execve (Manager/Exec/SeccompPlan.cs, summon_seccomp.c).
        "SystemCallFilter", "SystemCallErrorNumber", "SystemCallArchitectures", "SystemCallLog", "RestrictAddressFamilies",
        "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute",
        // Issue 14, mounts: the file-system view in the child's mount namespace (Manager/Exec/MountPlan.cs, summon_mounts.c).
        "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules",
        "ProtectKernelLogs", "ProtectControlGroups", "PrivateMounts", "MountFlags", "ReadWritePaths", "ReadOnlyPaths",
        "InaccessiblePaths", "ExecPaths", "NoExecPaths", "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths",
        "ReadWriteDirectories", "ReadOnlyDirectories", "InaccessibleDirectories",
        // Issue 14, root and /proc: the unit's own root directory and procfs instance (MountPlan.cs, summon_mounts.c).
        "RootDirectory", "MountAPIVFS", "ProtectProc", "ProcSubset",
        // Issue 14, cgroup access: device and IP filters on the unit's cgroup (Manager/ControlGroups/CgroupAccess.cs).
        "DevicePolicy", "DeviceAllow", "IPAddressAllow", "IPAddressDeny",
        // Issue 14, dynamic users: a uid/gid pair from 61184–65519 per start (Manager/DynamicUsers), and the IPC
        // objects of a unit's user removed when its last unit stops.
        "DynamicUser", "RemoveIPC",
        // Deprecated, still in package units: every command but the main process's runs as with the '+' prefix.
        "PermissionsStartOnly",
    };

    /// <summary>Type= values Summon runs as systemd would (idle behaves as simple; dbus fails its start clearly when no bus is reachable).</summary>
    private static readonly HashSet<string> s_serviceTypes = new(StringComparer.Ordinal) { "", "simple", "exec", "idle", "forking", "oneshot", "notify", "notify-reload", "dbus" };

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
        "Unit" => s_unit.Contains(key) || s_conditions.Contains(key),
        "Install" => s_install.Contains(key),
        "Socket" => s_socket.Contains(key) || SocketSandboxKey(key),
        "Service" => s_service.Contains(key),
        _ => true,
    };

    /// <summary>
    /// A sandbox key of a [Socket] that its control commands get as a service's commands do: they are built by the same
    /// exec builder, so a key honoured for a service is honoured for a socket, but for the keys that act on the unit's
    /// control group (device and IP access lists, BPF filters), which a socket's commands do not run in.
    /// </summary>
    private static bool SocketSandboxKey(string key) =>
        SandboxKeys.Contains(key) && s_service.Contains(key) && !SandboxLikeResourceKeys.Contains(key)
        && !UnappliedSandboxKeys.SocketOnly(key) && UnappliedSandboxKeys.Find(key) is not { CgroupWide: true };

    /// <summary>The unit types the manager runs; files of other types load for verify but nothing runs them.</summary>
    public static bool RunsType(UnitType type) => type is UnitType.Service or UnitType.Socket;

    /// <summary>"Summon does not support ProtectSystem=, ignoring." / "… Type=dbus, ignoring."</summary>
    public static string Message(string what) => what.Contains('=', StringComparison.Ordinal)
        ? $"Summon does not support {what}, ignoring."
        : SandboxLikeResourceKeys.Contains(what) ? $"Summon does not support {what}= ({SandboxLikeResourceKeys.Why}), ignoring."
        : $"Summon does not support {what}=, ignoring.";

    /// <summary>True for a printed diagnostic that only Summon gives (what a comparison with systemd leaves out).</summary>
    public static bool IsSummonOnly(string line) => line.Contains("Summon does not support ", StringComparison.Ordinal);
}
