namespace Summon.Units;

internal enum StandardInputKind { Null, Tty, TtyForce, TtyFail, Data, File, Socket, Fd }

internal enum StandardOutputKind { Inherit, Null, Tty, Journal, Kmsg, JournalConsole, KmsgConsole, File, Append, Truncate, Socket, Fd }

/// <summary>The systemd.exec(5) settings Summon reads; shared by [Service] and [Socket].</summary>
internal sealed class ExecSettings
{
    /// <summary>"K=V" after unquoting, later assignments of the same K replace earlier ones.</summary>
    public List<string> Environment { get; } = [];

    /// <summary>EnvironmentFile= entries; a leading '-' means "ignore if missing".</summary>
    public List<string> EnvironmentFiles { get; } = [];

    public List<string> PassEnvironment { get; } = [];

    public List<string> UnsetEnvironment { get; } = [];

    /// <summary>WorkingDirectory=: an absolute path, or "~" for the user's home; null when unset.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>WorkingDirectory= had a leading '-': a missing directory is not an error.</summary>
    public bool WorkingDirectoryMissingOk { get; set; }

    public string? RootDirectory { get; set; }

    public string? User { get; set; }

    public string? Group { get; set; }

    public List<string> SupplementaryGroups { get; } = [];

    public uint? UMask { get; set; }

    public int? Nice { get; set; }

    /// <summary>Limit*= settings that were given (a later assignment of the same key replaces the earlier one).</summary>
    public SortedDictionary<ResourceLimitKind, ResourceLimitValue> Limits { get; } = [];

    /// <summary>IgnoreSIGPIPE= (default yes): the process starts with SIGPIPE ignored.</summary>
    public bool IgnoreSigpipe { get; set; } = true;

    /// <summary>NonBlocking= ([Service] only, default no): O_NONBLOCK on the passed socket fds.</summary>
    public bool NonBlocking { get; set; }

    public StandardInputKind StandardInput { get; set; } = StandardInputKind.Null;

    /// <summary>Null means "not set": systemd then picks journal (or follows a socket stdin).</summary>
    public StandardOutputKind? StandardOutputSetting { get; set; }

    /// <summary>Null means "not set": stderr then follows stdout (inherit).</summary>
    public StandardOutputKind? StandardErrorSetting { get; set; }

    public string? StandardInputPath { get; set; }

    public string? StandardOutputPath { get; set; }

    public string? StandardErrorPath { get; set; }

    /// <summary>fd:NAME names.</summary>
    public string? StandardInputFdName { get; set; }

    public string? StandardOutputFdName { get; set; }

    public string? StandardErrorFdName { get; set; }

    public string? SyslogIdentifier { get; set; }

    /// <summary>SyslogLevel=: the priority of a stream line without a level prefix (info unless set).</summary>
    public int SyslogLevel { get; set; } = 6;

    /// <summary>SyslogLevelPrefix=: a leading &lt;N&gt; on a stream line sets its priority.</summary>
    public bool SyslogLevelPrefix { get; set; } = true;

    /// <summary>SyslogFacility= as a number (daemon unless set).</summary>
    public int SyslogFacility { get; set; } = Posix.SyslogNames.DaemonFacility;

    /// <summary>LogLevelMax=: lines of a lower priority (a higher number) are not stored; null keeps everything.</summary>
    public int? LogLevelMax { get; set; }

    /// <summary>LogExtraFields=: FIELD=VALUE pairs added to every line the unit's streams write.</summary>
    public List<string> LogExtraFields { get; } = [];

    /// <summary>stdin is a tty, the socket or an fd: a bidirectional stream stdout/stderr may follow.</summary>
    public bool StandardInputIsBidirectional => StandardInput is StandardInputKind.Socket or StandardInputKind.Fd
        or StandardInputKind.Tty or StandardInputKind.TtyForce or StandardInputKind.TtyFail;

    /// <summary>
    /// Effective StandardOutput= as systemd's service_fix_stdio() resolves it: with a bidirectional stdin an unset value
    /// is inherit ("the same file as stdin"); otherwise unset or inherit becomes journal (DefaultStandardOutput=).
    /// </summary>
    public StandardOutputKind StandardOutput => StandardInputIsBidirectional
        ? StandardOutputSetting ?? StandardOutputKind.Inherit
        : StandardOutputSetting is null or StandardOutputKind.Inherit ? StandardOutputKind.Journal : StandardOutputSetting.Value;

    /// <summary>Effective StandardError=, same rule as <see cref="StandardOutput"/> (inherit = "the same file as stdout").</summary>
    public StandardOutputKind StandardError => StandardInputIsBidirectional
        ? StandardErrorSetting ?? StandardOutputKind.Inherit
        : StandardErrorSetting is null or StandardOutputKind.Inherit ? StandardOutputKind.Journal : StandardErrorSetting.Value;

    /// <summary>RuntimeDirectory=, StateDirectory=, … with their modes and RuntimeDirectoryPreserve= (service directories).</summary>
    public ExecDirectories Directories { get; } = new();
    /// <summary>LoadCredential=, SetCredential=, ImportCredential= and their encrypted forms (credentials part).</summary>
    public CredentialSettings Credentials { get; } = new();
    /// <summary>OOMScoreAdjust=, CPUAffinity=, scheduling, Personality=, TTYPath=, ExecSearchPath= … (issue 13, exec attributes).</summary>
    public ExecAttributes Attributes { get; } = new();
    /// <summary>SystemCallFilter=, RestrictAddressFamilies=, RestrictNamespaces=, … (issue 14, seccomp part).</summary>
    public SeccompSettings Seccomp { get; } = new();
    /// <summary>ProtectSystem=, PrivateTmp=, ReadOnlyPaths=, BindPaths=, … (issue 14, the mounts part of the sandbox).</summary>
    public SandboxMountSettings Mounts { get; } = new();
    /// <summary>Capabilities, NoNewPrivileges=, PrivateUsers=/PrivateNetwork=/PrivateIPC=/ProtectHostname= … (issue 14, privileges).</summary>
    public SandboxPrivilegeSettings Privileges { get; } = new();
    /// <summary>The protective keys Summon does not apply that the unit asks for, in step order; null (nothing
    /// allocated) for the units that ask none.</summary>
    public UnappliedSandboxRequests? UnappliedSandbox { get; set; }
    /// <summary>StandardError= as systemd shows it: service_fix_stdio() replaces an inherited stderr only by
    /// DefaultStandardError=, itself inherit, so the configured value is shown (inherit when unset), never the
    /// resolved one (issue 13 item 7).</summary>
    public StandardOutputKind StandardErrorShown => StandardErrorSetting ?? StandardOutputKind.Inherit;
}
