using System.Runtime.InteropServices;

namespace Summon.Processes;

/// <summary>
/// Everything <see cref="ProcessSpawner.Spawn"/> needs to start one process. The caller resolves paths, users and
/// groups and builds the environment; the spawner maps fds, sets signals and the session, adds the variables that
/// must carry the child's own pid, and applies the working directory, limits, umask, nice and credentials in the
/// child.
/// </summary>
internal sealed class SpawnRequest
{
    /// <summary>Absolute path of the executable (already resolved).</summary>
    public required string Path { get; init; }

    /// <summary>argv, argv[0] included (systemd's "@" prefix lets argv[0] differ from <see cref="Path"/>).</summary>
    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>The complete envp as "K=V", except LISTEN_PID/SYSTEMD_EXEC_PID. Nothing is inherited from the manager.</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary>fd 0; null opens /dev/null O_RDONLY in the child.</summary>
    public SafeHandle? Stdin { get; init; }

    /// <summary>fd 1; null opens /dev/null O_WRONLY in the child.</summary>
    public SafeHandle? Stdout { get; init; }

    /// <summary>fd 2; null opens /dev/null O_WRONLY in the child.</summary>
    public SafeHandle? Stderr { get; init; }

    /// <summary>With no <see cref="Stdin"/> handle: the file the child opens as fd 0 (StandardInput=file:); a failed open
    /// is the child's step STDIN (208).</summary>
    public ChildFile? StdinFile { get; init; }

    /// <summary>With no <see cref="Stdout"/> handle: the file the child opens as fd 1 (StandardOutput=file:, append:,
    /// truncate:); a failed open is the child's step STDOUT (209).</summary>
    public ChildFile? StdoutFile { get; init; }

    /// <summary>With no <see cref="Stderr"/> handle: the file the child opens as fd 2 (step STDERR, 222); the very
    /// object of <see cref="StdoutFile"/> makes fd 2 a copy of fd 1, one open file as systemd shares it.</summary>
    public ChildFile? StderrFile { get; init; }

    /// <summary>Become fds 3..3+n-1 in the child, in this order, without FD_CLOEXEC.</summary>
    public IReadOnlyList<SafeHandle> PassFds { get; init; } = [];

    /// <summary>The child sees LISTEN_PID and SYSTEMD_EXEC_PID equal to its own pid (one extra exec where it goes
    /// through an <see cref="ExecHelper"/>).</summary>
    public bool SetListenPid { get; init; }

    /// <summary>The child sees SYSTEMD_EXEC_PID equal to its own pid (one extra exec where it goes through an
    /// <see cref="ExecHelper"/>).</summary>
    public bool SetExecPid { get; init; }

    /// <summary>
    /// NonBlocking=yes: O_NONBLOCK is set on every passed fd. Otherwise it is cleared on every passed fd. Stdio fds
    /// are always made blocking (systemd does so for socket stdio; a non-blocking stdio breaks most programs).
    /// O_NONBLOCK lives on the open file description, so this also changes the manager's copy.
    /// </summary>
    public bool NonBlockingPassFds { get; init; }

    /// <summary>IgnoreSIGPIPE= (default yes): the child starts with SIGPIPE ignored, otherwise at SIG_DFL.</summary>
    public bool IgnoreSigpipe { get; init; } = true;

    /// <summary>chdir() in the child before exec; null keeps the manager's working directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>setsid() in the child (systemd always does this for services).</summary>
    public bool NewSession { get; init; } = true;

    /// <summary>
    /// With <see cref="NewSession"/> false: setpgid(0, 0) in the child, so it leads its own process group (pgid ==
    /// pid, what KillMode=control-group signals) inside the manager's session.
    /// </summary>
    public bool NewProcessGroup { get; init; }

    /// <summary>
    /// The helper for a child that needs its own pid or setup: named, it is used even where the in-process routine
    /// could start the child; null means <see cref="ProcessSpawner.DefaultExecHelper"/>, used only without that routine.
    /// </summary>
    public ExecHelper? ExecHelper { get; init; }

    /// <summary>User=: setresuid() to this uid right before exec (after the groups). Needs root.</summary>
    public uint? Uid { get; init; }

    /// <summary>Group= (or the user's primary group): setresgid() right before exec.</summary>
    public uint? Gid { get; init; }

    /// <summary>setgroups() list; null keeps the inherited supplementary groups.</summary>
    public IReadOnlyList<uint>? SupplementaryGroups { get; init; }

    /// <summary>UMask=: umask() in the child; null inherits the manager's.</summary>
    public uint? Umask { get; init; }

    /// <summary>Nice=: setpriority() in the child, -20..19; null inherits.</summary>
    public int? Nice { get; init; }

    /// <summary>
    /// The started process tells when its execve has happened (<see cref="IChildProcess.ExecReportHandle"/>), for
    /// Type=exec, whose start is done only then; the spawn itself still does not wait for it.
    /// </summary>
    public bool ReportExec { get; init; }

    /// <summary>
    /// Do not wait for the child to reach execve: <see cref="ProcessSpawner.Spawn"/> returns as soon as the child
    /// exists, and a step that fails in it (exec, chdir, credentials, ...) shows as the process exiting with that
    /// step's status (203/EXEC, 200/CHDIR, ...), with the details in <see cref="SpawnedProcess.SpawnFailure"/> once it
    /// is reaped. This is how systemd reports a Type=simple service whose exec fails, and it keeps the manager's thread
    /// off the child's path to execve. The manager asks it for every spawn; only the in-process routine does it (with
    /// SUMMON_SPAWN_VFORK=1 it waits too), and the posix_spawn fallbacks stay synchronous.
    /// </summary>
    public bool ExecFailureAtExit { get; init; }

    /// <summary>Limit*=: setrlimit() in the child, in this order.</summary>
    public IReadOnlyList<ResourceLimit> ResourceLimits { get; init; } = [];

    /// <summary>
    /// Any of the settings posix_spawn cannot apply (credentials, umask, nice, rlimits) is set: the in-process routine
    /// applies them in the child; without it the spawn goes through an exec helper that can
    /// (<see cref="ProcessSpawner.CredentialExecHelper"/> when the chosen helper is the shell).
    /// </summary>
    public bool NeedsPrivilegedSetup =>
        Uid is not null || Gid is not null || SupplementaryGroups is not null || Umask is not null || Nice is not null
        || ResourceLimits.Count > 0 || Attributes is not null || Mounts is not null || Privileges is not null || Seccomp is not null;

    /// <summary>OOMScoreAdjust=, CPUAffinity=, scheduling, Personality=, SecureBits= … applied in the child before
    /// execve, each failure the child's step with systemd's status (206/OOM_ADJUST, 215/CPUAFFINITY, …); null: none,
    /// and the child does no work for them.</summary>
    public ProcessAttributes? Attributes { get; init; }

    /// <summary>KeyringMode=private/shared (systemd's default for system services): the child joins a new session
    /// keyring, owned by <see cref="Uid"/>; a kernel that refuses keyrings is passed over, as systemd does. Best
    /// effort: it alone does not route a spawn through the exec helper.</summary>
    public bool NewSessionKeyring { get; init; }

    /// <summary>TTYPath=, TTYReset=, TTYVHangup= and the controlling terminal of StandardInput=tty* (the terminal
    /// itself is <see cref="StdinFile"/>); null: none. Applied by the in-process routine only.</summary>
    public TerminalSetup? Terminal { get; init; }

    /// <summary>
    /// The control group the child starts in (its unit's cgroup), joined before any other step; null: the manager's.
    /// </summary>
    public ChildCgroup? ControlGroup { get; init; }

    /// <summary>The sandbox's mount namespace (226/NAMESPACE when it fails); null: none, and the child does no work for it.</summary>
    public SandboxMounts? Mounts { get; init; }

    /// <summary>The sandbox's other namespaces, capabilities and no_new_privs; null: none.</summary>
    public SandboxPrivileges? Privileges { get; init; }

    /// <summary>The sandbox's seccomp filters, installed last (228/SECCOMP); null: none.</summary>
    public SeccompProgram? Seccomp { get; init; }
}
