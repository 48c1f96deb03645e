using Summon.Posix;

namespace Summon.Units;

internal enum ServiceType { Simple, Exec, Forking, Oneshot, Dbus, Notify, Idle, NotifyReload }

/// <summary>ExitType=: whether the main process (default) or the last process of the control group ends the service.</summary>
internal enum ServiceExitType { Main, Cgroup }

/// <summary>OOMPolicy=: what an OOM kill inside the service's cgroup does to the unit (systemd's default is stop).</summary>
internal enum OomPolicy { Stop, Continue, Kill }

internal enum ServiceRestart { No, OnSuccess, OnFailure, OnAbnormal, OnWatchdog, OnAbort, Always }

internal enum NotifyAccess { None, Main, Exec, All }

internal enum KillMode { ControlGroup, Process, Mixed, None }

/// <summary>Typed [Service] settings with systemd 252 defaults.</summary>
internal sealed class ServiceSection
{
    /// <summary>Type= as written; null when unset (then <see cref="Type"/> is derived like service_add_extras()).</summary>
    public ServiceType? TypeSetting { get; set; }

    /// <summary>Effective type: Type=, else dbus if BusName=, simple if ExecStart=, else oneshot.</summary>
    public ServiceType Type => TypeSetting ?? (BusName is not null ? ServiceType.Dbus : ExecStart.Count > 0 ? ServiceType.Simple : ServiceType.Oneshot);

    public List<ExecCommand> ExecCondition { get; } = [];

    public List<ExecCommand> ExecStartPre { get; } = [];

    public List<ExecCommand> ExecStart { get; } = [];

    public List<ExecCommand> ExecStartPost { get; } = [];

    public List<ExecCommand> ExecReload { get; } = [];

    public List<ExecCommand> ExecStop { get; } = [];

    public List<ExecCommand> ExecStopPost { get; } = [];

    /// <summary>The Exec* lists in systemd's order.</summary>
    public IEnumerable<(string Name, List<ExecCommand> Commands)> ExecLists =>
    [
        ("ExecCondition", ExecCondition), ("ExecStartPre", ExecStartPre), ("ExecStart", ExecStart), ("ExecStartPost", ExecStartPost),
        ("ExecReload", ExecReload), ("ExecStop", ExecStop), ("ExecStopPost", ExecStopPost),
    ];

    /// <summary>The exec context; a socket unit's control commands run with a section whose Exec is the socket's own.</summary>
    public ExecSettings Exec { get; init; } = new();

    /// <summary>PermissionsStartOnly= (deprecated): every command but the main one's runs as if prefixed with '+'.</summary>
    public bool PermissionsStartOnly { get; set; }

    public StandardInputKind StandardInput { get => Exec.StandardInput; set => Exec.StandardInput = value; }

    public StandardOutputKind StandardOutput => Exec.StandardOutput;

    public StandardOutputKind StandardError => Exec.StandardError;

    public string? StandardInputPath => Exec.StandardInputPath;

    public string? StandardOutputPath => Exec.StandardOutputPath;

    public string? StandardErrorPath => Exec.StandardErrorPath;

    public List<string> Environment => Exec.Environment;

    public string? WorkingDirectory => Exec.WorkingDirectory;

    public string? User => Exec.User;

    public string? Group => Exec.Group;

    public ServiceRestart Restart { get; set; }

    /// <summary>RestartSec=, default 100 ms.</summary>
    public TimeSpan RestartSec { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>RestartSteps= (systemd 254+): how many restarts the delay takes to grow from RestartSec= to
    /// RestartMaxDelaySec=; 0 keeps it at RestartSec=.</summary>
    public uint RestartSteps { get; set; }

    /// <summary>RestartMaxDelaySec= (systemd 254+): the longest restart delay; infinity (the default) turns the growth off.</summary>
    public TimeSpan RestartMaxDelaySec { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>[X-Summon] RestartResetSec=: once the service has been running this long the restart back-off starts
    /// again from RestartSec=; null never resets it (systemd's behaviour).</summary>
    public TimeSpan? RestartResetSec { get; set; }

    /// <summary>[X-Summon] StartLimitRecoverSec=: after start-limit-hit a new start is attempted once this long has
    /// passed; null leaves the unit failed (systemd's behaviour).</summary>
    public TimeSpan? StartLimitRecoverSec { get; set; }

    /// <summary>TimeoutStartSec=; null = DefaultTimeoutStartSec (90 s); infinite as <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan? TimeoutStartSec { get; set; }

    public TimeSpan? TimeoutStopSec { get; set; }

    public TimeSpan? RuntimeMaxSec { get; set; }

    public TimeSpan? WatchdogSec { get; set; }

    public bool RemainAfterExit { get; set; }

    public string? PIDFile { get; set; }

    /// <summary><c>[X-Summon] SandboxFallback=</c>; null leaves the manager's <c>--sandbox=</c> in force.</summary>
    public SandboxFallback? SandboxFallback { get; set; }

    public string? BusName { get; set; }

    /// <summary>NotifyAccess= as written; null = none, upgraded to main for Type=notify (see <see cref="EffectiveNotifyAccess"/>).</summary>
    public NotifyAccess? NotifyAccessSetting { get; set; }

    public NotifyAccess EffectiveNotifyAccess => NotifyAccessSetting ?? (IsNotify || WatchdogSec > TimeSpan.Zero || FileDescriptorStoreMax > 0 ? NotifyAccess.Main : NotifyAccess.None);

    public uint FileDescriptorStoreMax { get; set; }

    /// <summary>Sockets= unit names.</summary>
    public List<string> Sockets { get; } = [];

    public KillMode KillMode { get; set; }

    /// <summary>KillSignal=, as a signal number (read at load, so a bad value is reported with its file and line).</summary>
    public int KillSignal { get; set; } = Signals.SIGTERM;

    public bool SendSIGKILL { get; set; } = true;

    public bool SendSIGHUP { get; set; }

    /// <summary>Type=notify or Type=notify-reload: started once READY=1 arrives.</summary>
    public bool IsNotify => Type is ServiceType.Notify or ServiceType.NotifyReload;

    /// <summary>ReloadSignal= (systemd 253): what Type=notify-reload's reload sends the main process.</summary>
    public int ReloadSignal { get; set; } = Posix.Signals.SIGHUP;

    public ServiceExitType ExitType { get; set; }

    /// <summary>GuessMainPID=: a forking service without PIDFile= takes the one process left in its cgroup as main.</summary>
    public bool GuessMainPID { get; set; } = true;

    /// <summary>OOMPolicy= (DefaultOOMPolicy= of systemd 252 is stop).</summary>
    public OomPolicy OOMPolicy { get; set; }

    public List<string> SuccessExitStatus { get; } = [];

    public List<string> RestartPreventExitStatus { get; } = [];

    public List<string> RestartForceExitStatus { get; } = [];

    /// <summary>Slice=, Delegate= and the limits of systemd.resource-control(5) (issue 13, control groups).</summary>
    public ResourceControl Resources { get; } = new();
}
