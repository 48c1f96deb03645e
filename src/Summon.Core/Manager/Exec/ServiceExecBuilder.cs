using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Summon.Interop;
using Summon.Journal;
using Summon.Manager.Directories;
using Summon.Manager.Sandbox;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// Builds what starting one command of a service needs — stdio, passed fds, environment, argv expansion,
/// executable lookup, credentials, working directory — as a <see cref="SpawnRequest"/>, without starting anything.
/// The service's state machine hands the result to its <see cref="IProcessLauncher"/>.
/// </summary>
internal sealed class ServiceExecBuilder
{
    private static readonly List<SafeHandle> NoFds = [];
    private static readonly List<string> NoNames = [];
    private readonly EventLoop _loop;
    private readonly JournalWriter _journal;
    private readonly ILogger _log;
    private readonly IProcessLauncher _launcher;
    private readonly bool _userMode;
    private readonly string[] _baseEnvironment;
    private readonly SafeFdHandle _inheritedStderr = new(2, ownsHandle: false);

    public ServiceExecBuilder(EventLoop loop, JournalWriter journal, ILogger log, IProcessLauncher launcher, bool userMode,
        Func<string?, string?, string[], ExecCredentials>? resolveCredentials = null)
    {
        Credentials = new CredentialCache(loop, resolveCredentials);
        _launcher = launcher;
        _loop = loop;
        _journal = journal;
        _log = log;
        _userMode = userMode;
        _baseEnvironment = BaseEnvironment(userMode);
    }

    /// <summary>User=/Group=/SupplementaryGroups= looked up off the loop, from the definition's load on.</summary>
    public CredentialCache Credentials { get; }

    /// <summary>The journal captures reading now (a re-exec carries their pipes).</summary>
    public OutputCaptures Captures { get; } = new();

    /// <summary>RuntimeDirectory= and its kin: made before each spawn, named in the environment.</summary>
    public ServiceDirectories Directories { get; init; } = new(new SpecifierContext());

    /// <summary>The inaccessible nodes, the private /dev's staging directory and the PrivateTmp= directories; null: a
    /// unit that asks for a mount namespace fails with 226/NAMESPACE.</summary>
    public MountDirectories? MountDirectories { get; init; }

    /// <summary>The environment and --sandbox= mode the sandbox plans of each command are built against.</summary>
    public SandboxPolicy Sandbox { get; init; } = new(SandboxEnvironment.Full, SandboxMode.Strict, userManager: false);

    /// <summary>A user manager (KeyringMode= defaults to inherit there, to private for the system manager).</summary>
    public bool UserMode => _userMode;

    /// <summary>NOTIFY_SOCKET for services that accept notifications; null until the daemon attaches its socket.</summary>
    public string? NotifySocketPath { get; set; }

    /// <summary>
    /// Prepares <paramref name="inputs"/>.Command; dispose the plan once the spawn is done. Whatever keeps the command
    /// from starting is a <see cref="SpawnException"/> with systemd's status: a program not found (203/EXEC), or a
    /// stream or fd that cannot be set up (202/FDS).
    /// </summary>
    public ExecPlan Build(in ExecInputs inputs)
    {
        var exec = inputs.Settings.Exec;
        var command = inputs.Command;
        bool haveSocket = inputs.IsMain && (inputs.Connection is not null || inputs.ListenFds.Count > 0);
        var stdio = StdioPlan.For(inputs.Settings, haveSocket);
        var (passFds, names) = PassedFds(in inputs, stdio);

        string identifier = exec.SyslogIdentifier ?? Path.GetFileName(command.Argv.Count > 0 ? command.Argv[0] : command.Path);
        var owned = new List<IDisposable>();
        var captures = new List<OutputCapture>(2);
        try
        {
            SafeHandle? socketFd = inputs.Connection?.Handle ?? (stdio.UsesSocketStdio && inputs.ListenFds.Count > 0 ? inputs.ListenFds[0].Fd : null);
            SafeHandle? journalPipe = null;
            string ttyPath = exec.Attributes.EffectiveTtyPath;
            SafeHandle? stdout = Target(stdio.Output, exec.StandardOutput, exec.StandardOutputPath, socketFd, exec, inputs.UnitId, identifier, captures, owned, ref journalPipe, out var stdoutFile, ttyPath);
            ChildFile? stderrFile = stdoutFile;
            SafeHandle? stderr = stdio.Error == StdioTarget.SameAsOutput
                ? stdout
                : Target(stdio.Error, exec.StandardError, exec.StandardErrorPath, socketFd, exec, inputs.UnitId, identifier, captures, owned, ref journalPipe, out stderrFile, ttyPath);
            SafeHandle? stdin = stdio.Input == StdioTarget.Socket ? socketFd : null;
            var files = (In: stdio.Input == StdioTarget.Tty ? ChildFile.Terminal(ttyPath, Libc.O_RDWR) : stdin is null ? InputFile(exec) : null,
                Out: stdoutFile, Err: stderrFile);

            var searchPath = exec.Attributes.ExecSearchPath;
            // RootDirectory=: the program is the root's (execve runs after the chroot); '+' runs on the host's root.
            string? root = FullyPrivileged(in inputs) ? null : MountPlan.Root(exec);
            string path = root is null ? ExecutableLookup.Resolve(command.Path, searchPath) : ResolveInRoot(root, command.Path, searchPath);
            if (!path.StartsWith('/'))   // a bare name found nowhere on the default PATH (or ExecSearchPath=)
                throw new SpawnException(command.Path, ExecutableLookup.Find(command.Path, out _, searchPath) is int e and not 0 ? e : Errno.ENOENT);
            bool dynamicUser = exec.Privileges.DynamicUser;
            var credentials = dynamicUser ? DynamicCredentials(in inputs, path) : Credentials.Resolve(exec, path);
            bool privateDirectories = inputs.DynamicUser is { DirectoriesMade: true };
            // The sandbox plans read the unit's settings against this start's context: in best-effort mode they leave
            // out what this environment cannot do and say so in sandbox.NotApplied (logged once per start). A '+'
            // command runs outside the sandbox, as systemd's "full privileges" do; a unit that asks for no sandbox
            // (every Accept=yes instance of the benchmarks) gets no context at all. A key Summon cannot apply fails a
            // strict start here, before anything of it is made.
            bool privileged = FullyPrivileged(in inputs);
            bool sandboxed = !privileged
                && (MountPlan.Needed(exec, dynamicUser) || exec.Privileges.Any || !exec.Seccomp.IsEmpty);
            bool unapplied = UnappliedSandboxPlan.Concerns(exec, privileged);
            var context = sandboxed || unapplied ? Sandbox.ContextFor(inputs.Settings) : null;
            if (unapplied)
                UnappliedSandboxPlan.Apply(exec, privileged, context!, path);
            var sandbox = sandboxed ? context : null;
            if (!privateDirectories && exec.Directories.Any)   // a dynamic user's were made with it, before the first command
                MadeDirectories(in inputs, path);
            if (sandbox is not null && inputs.DynamicUser?.NotApplied is { } left)
                sandbox.NotApplied.Add(left);
            var mounts = sandbox is not null && MountPlan.Needed(exec, dynamicUser) ? Mounts(in inputs, path, sandbox, dynamicUser, privateDirectories) : null;
            var environment = Environment(in inputs, passFds.Count, names, credentials.Environment);
            if (journalPipe is not null && ChildStdio.DeviceAndInode(journalPipe) is { } stream)
                environment.Add("JOURNAL_STREAM=" + stream);
            var argv = command.NoEnvExpand ? command.Argv : ExecEnvironment.ExpandArguments(command.Argv, environment);
            // '+', '!' and PermissionsStartOnly=: the user's environment (HOME, USER, …) stays, the switch to it does not.
            var request = Request(in inputs, path, argv, environment, (stdin, stdout, stderr), files, passFds, credentials, Terminal(exec, stdio), mounts, sandbox);
            if (context is not null)
                Sandbox.Report(_log, inputs.UnitId, inputs.InvocationId, context);
            return new ExecPlan(request, owned, captures);
        }
        catch (Exception e) when (e is ErrnoException or IOException or UnauthorizedAccessException)
        {
            ExecPlan.Release(owned, captures);
            throw new SpawnException(command.Path, ErrnoOf(e), ExitStatusNames.Fds);
        }
        catch
        {
            ExecPlan.Release(owned, captures);
            throw;
        }
    }

    /// <summary>Starts the child of <paramref name="plan"/>; a call failing before the child exists (pidfd_open at the fd
    /// limit, clone) fails the start with 202/FDS.</summary>
    public IChildProcess Launch(ExecPlan plan)
    {
        try
        {
            return _launcher.Spawn(plan.Request);
        }
        catch (ErrnoException e)
        {
            throw new SpawnException(plan.Request.Path, e.Number, ExitStatusNames.Fds);
        }
    }

    /// <summary>The command's service directories, made off the loop before it (<see cref="Directories.DirectoryStore"/>):
    /// their warnings logged, their failure the command's with the kind's status.</summary>
    private void MadeDirectories(in ExecInputs inputs, string path)
    {
        if (inputs.Directories is not { Done: true } job)   // every spawn path waits for its job; none is a bug, not a hang
            throw new SpawnException(path, Errno.EIO, ServiceDirectories.FirstStatus(inputs.Settings.Exec));
        foreach (string warning in job.Warnings)
            ManagerLog.UnitWarning(_log, inputs.UnitId, warning);
        if (job.Failure is { } failure)
            throw new SpawnException(path, failure.Errno, failure.Status);
    }

    /// <summary>
    /// A command run with full privileges: '+', or any command but the main process's with PermissionsStartOnly=
    /// (systemd drops EXEC_APPLY_SANDBOXING for such control processes). The sandbox steps must skip it too.
    /// </summary>
    public static bool FullyPrivileged(in ExecInputs inputs) =>
        inputs.Command.FullyPrivileged || (inputs.Settings.PermissionsStartOnly && !inputs.IsMain);

    /// <summary>DynamicUser=: the credentials this start realized; its failure (217/USER, a directory's status) is the
    /// command's.</summary>
    private static ExecCredentials DynamicCredentials(in ExecInputs inputs, string path)
    {
        if (inputs.DynamicUser is not { Done: true } job)   // a unit kind that realizes none (a socket's commands)
            throw new SpawnException(path, Errno.EOPNOTSUPP, ExitStatusNames.User);
        if (job.Failure is { } failure)
            throw new SpawnException(path, failure.Errno, failure.Status);
        // Never root by default: a job that ended without credentials (nor a best-effort None) fails the command.
        return job.Credentials ?? throw new SpawnException(path, Errno.EIO, ExitStatusNames.User);
    }

    /// <summary>User=/Group=/SupplementaryGroups= are not applied: a fully privileged command, or '!'.</summary>
    private static bool SkipsCredentials(in ExecInputs inputs) => FullyPrivileged(in inputs) || inputs.Command.SkipsCredentials;

    private static int ErrnoOf(Exception e) => e switch
    {
        ErrnoException errno => errno.Number,
        UnauthorizedAccessException => Errno.EACCES,
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        _ => Errno.EIO,
    };

    /// <summary>
    /// What the main process gets from fd 3 on, with the names for LISTEN_FDNAMES: the connection (Accept=yes), the
    /// listening sockets (Accept=no), then the fd store. None when the socket is its stdio, and none for control processes.
    /// </summary>
    private static (List<SafeHandle> Fds, List<string> Names) PassedFds(in ExecInputs inputs, StdioPlan stdio)
    {
        if (!inputs.IsMain || stdio.UsesSocketStdio || (inputs.Connection is null && inputs.ListenFds.Count == 0 && inputs.StoredFds.Count == 0))
            return (NoFds, NoNames);
        var fds = new List<SafeHandle>();
        var names = new List<string>();
        if (inputs.Connection is { } connection)
        {
            fds.Add(connection.Handle);
            names.Add("connection");
        }
        foreach (var (fd, name) in inputs.ListenFds)
        {
            fds.Add(fd);
            names.Add(name);
        }
        foreach (var (fd, name) in inputs.StoredFds)
        {
            fds.Add(fd);
            names.Add(name);
        }
        return (fds, names);
    }

    private SpawnRequest Request(in ExecInputs inputs, string path, IReadOnlyList<string> argv, List<string> environment,
        (SafeHandle? In, SafeHandle? Out, SafeHandle? Err) stdio, (ChildFile? In, ChildFile? Out, ChildFile? Err) files,
        List<SafeHandle> passFds, ExecCredentials credentials, TerminalSetup? terminal, SandboxMounts? mounts, SandboxContext? sandbox)
    {
        var exec = inputs.Settings.Exec;
        bool switchUser = !SkipsCredentials(in inputs);
        return new SpawnRequest
        {
            Path = path,
            Argv = argv,
            Environment = environment,
            Stdin = stdio.In,
            Stdout = stdio.Out,
            Stderr = stdio.Err,
            StdinFile = files.In,
            StdoutFile = files.Out,
            StderrFile = files.Err,
            PassFds = passFds,
            SetListenPid = passFds.Count > 0,
            SetExecPid = passFds.Count > 0 || !inputs.IsConnectionInstance || _launcher.ChildPidIsFree,
            // Accept=yes instances lead their own process group (pgid == pid, all KillMode= needs) but stay in the
            // manager's session: a session per connection would also be a scheduler autogroup per connection
            // (kernel.sched_autogroup_enabled), making every short-lived instance an equal of the whole manager
            // and of the clients under load (docs/performance.md). What differs from systemd for the instance:
            // getsid() is the manager's, and it shares the manager's controlling terminal if it has one.
            NewSession = !inputs.IsConnectionInstance,
            NewProcessGroup = true,
            WorkingDirectory = exec.WorkingDirectory == "~" && credentials.Home is { } home ? home : WorkingDirectory(exec, mounts?.Root),
            NonBlockingPassFds = exec.NonBlocking,
            IgnoreSigpipe = exec.IgnoreSigpipe,
            Uid = switchUser ? credentials.Uid : null,
            Gid = switchUser ? credentials.Gid : null,
            SupplementaryGroups = switchUser ? credentials.SupplementaryGroups : null,
            Umask = exec.UMask,
            Nice = exec.Nice,
            ResourceLimits = exec.Limits.Count == 0 ? [] : [.. exec.Limits.Select(l => new ResourceLimit((int)l.Key, l.Value.Soft, l.Value.Hard))],
            // The loop never waits for a child's execve (systemd forks and reports a failed step when the child
            // exits): a child held before it (a FIFO open, a hung mount, SIGSTOP) holds only its unit. The exit
            // handlers log the failed step; Type=exec learns of the execve from the exec report.
            ExecFailureAtExit = true,
            ReportExec = inputs.IsMain && inputs.Settings.Type == ServiceType.Exec,
            Attributes = ProcessAttributesPlan.Of(exec.Attributes),
            NewSessionKeyring = ProcessAttributesPlan.Keyring(exec.Attributes, _userMode) != KeyringMode.Inherit,
            Terminal = terminal,
            ControlGroup = inputs.ControlGroup,
            Seccomp = sandbox is null ? null : SeccompPlan.Of(exec, sandbox, path),
            Mounts = mounts,
            Privileges = sandbox is not null && exec.Privileges.Any ? PrivilegePlan.Of(exec.Privileges, credentials, sandbox) : null,
        };
    }

    /// <summary>The unit's mount list (issue 14, mounts), with its private /tmp (shared with the units of
    /// JoinsNamespaceOf=) and the common nodes made off the loop before the command; a directory that could not be
    /// made fails the start with 226/NAMESPACE (RootImage= is refused earlier, by UnappliedSandboxPlan). A dynamic
    /// user's private directories are reached through a tmpfs over BASE/private holding only them, as systemd's
    /// namespace does.</summary>
    private SandboxMounts? Mounts(in ExecInputs inputs, string path, SandboxContext context, bool dynamicUser, bool privateDirectories)
    {
        var exec = inputs.Settings.Exec;
        var dirs = MountDirectories ?? throw new SpawnException(path, Errno.EOPNOTSUPP, ExitStatusNames.Namespace);
        var made = inputs.Directories;
        string? notify = inputs.Settings.EffectiveNotifyAccess != NotifyAccess.None ? NotifySocketPath : null;
        string? credentials = inputs.CredentialsDirectory;
        try
        {
            return MountPlan.Of(exec, dynamicUser, context, () =>
            {
                // Made off the loop before the command (DirectoryStore): a failure there is this step's.
                int failed = made?.MountErrno ?? 0;
                var tmp = exec.Mounts.EffectivePrivateTmp(dynamicUser) ? made?.PrivateTmp : null;
                if (failed != 0 || !dirs.CommonMade || (tmp is null && exec.Mounts.EffectivePrivateTmp(dynamicUser)))
                    throw new SpawnException(path, failed != 0 ? failed : Errno.EIO, ExitStatusNames.Namespace);
                return new MountPlanInputs(dirs.InaccessibleDirectory, dirs.InaccessibleFile, dirs.Staging, tmp?.Tmp!, tmp?.VarTmp!, ServiceDirectoryPaths(exec, privateDirectories), notify, credentials)
                {
                    PrivateRoots = privateDirectories ? Directories.PrivateRoots(exec) : [],
                    PrivatePaths = privateDirectories ? Directories.PrivatePaths(exec) : [],
                };
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpawnException(path, ErrnoOf(e), ExitStatusNames.Namespace);
        }
    }

    /// <summary>RuntimeDirectory= and its kin as absolute paths: writable under ProtectSystem=strict, as in systemd (a
    /// dynamic user's private ones are bound in instead).</summary>
    private List<string> ServiceDirectoryPaths(ExecSettings exec, bool privateDirectories)
    {
        var paths = new List<string>();
        if (!exec.Directories.Any)
            return paths;
        foreach (var kind in ExecDirectories.Kinds)
        {
            if (Directories.Base(kind) is not { } root || (privateDirectories && ServiceDirectories.IsPrivate(kind)))
                continue;
            foreach (var item in exec.Directories[kind].Items)
                paths.Add(Path.Combine(root, item.Path));
        }

        return paths;
    }

    /// <summary>TTYVHangup=, TTYReset= and the controlling terminal of StandardInput=tty* (tty and tty-fail take a
    /// free terminal, tty-force takes it from its session); null when the unit asks none of them.</summary>
    private static TerminalSetup? Terminal(ExecSettings exec, StdioPlan stdio)
    {
        var a = exec.Attributes;
        var control = stdio.Input != StdioTarget.Tty ? TerminalControl.None
            : exec.StandardInput == StandardInputKind.TtyForce ? TerminalControl.Force : TerminalControl.Take;
        return control == TerminalControl.None && !a.TtyReset && !a.TtyVHangup
            ? null
            : new TerminalSetup(a.EffectiveTtyPath, control, a.TtyReset, a.TtyVHangup);
    }

    /// <summary>Types whose start job is done when the main process exists: an exec failure shows as its exit.</summary>
    public static bool StartsWithoutWaitingForExec(ServiceSection settings) =>
        settings.Type is ServiceType.Simple or ServiceType.Idle;

    /// <summary>The handle the child gets for an output stream, or null with the <paramref name="file"/> it opens itself
    /// (or /dev/null when there is neither).</summary>
    private SafeHandle? Target(StdioTarget target, StandardOutputKind kind, string? path, SafeHandle? socketFd, ExecSettings exec, string unit, string identifier,
        List<OutputCapture> captures, List<IDisposable> owned, ref SafeHandle? journalPipe, out ChildFile? file, string ttyPath)
    {
        file = null;
        switch (target)
        {
            case StdioTarget.Tty:
                file = ChildFile.Terminal(ttyPath, Libc.O_WRONLY);
                return null;
            case StdioTarget.Socket:
                return socketFd;
            case StdioTarget.Inherit:
                return _inheritedStderr;
            case StdioTarget.Journal when kind is StandardOutputKind.File or StandardOutputKind.Append or StandardOutputKind.Truncate && path is not null:
                file = ChildFile.Output(path, append: kind == StandardOutputKind.Append, truncate: kind == StandardOutputKind.Truncate);
                return null;
            case StdioTarget.Journal:
            {
                var source = new JournalStreamSource(unit, identifier, 0, exec.SyslogLevel, exec.SyslogLevelPrefix, exec.LogLevelMax ?? SyslogPriority.Debug,
                    StreamFields(exec));
                var (capture, writeEnd) = OutputCapture.Create(_loop, _journal, source, Captures);
                captures.Add(capture);
                owned.Add(writeEnd);
                journalPipe ??= writeEnd;   // stdout's pipe when both go to the journal
                return writeEnd;
            }
            default:
                return null;
        }
    }

    /// <summary>The fields every line of the unit's streams carries besides its own (null for the common case of none):
    /// SYSLOG_FACILITY= when SyslogFacility= is not daemon (journald's default for a stream), then LogExtraFields=.</summary>
    private static string? StreamFields(ExecSettings exec)
    {
        if (exec.SyslogFacility == SyslogNames.DaemonFacility && exec.LogExtraFields.Count == 0)
            return null;
        var fields = new List<string>(exec.LogExtraFields.Count + 1);
        if (exec.SyslogFacility != SyslogNames.DaemonFacility)
            fields.Add("SYSLOG_FACILITY=" + exec.SyslogFacility.ToString(System.Globalization.CultureInfo.InvariantCulture));
        fields.AddRange(exec.LogExtraFields);
        return string.Join('\n', fields);
    }

    /// <summary>StandardInput=file:, opened by the child.</summary>
    private static ChildFile? InputFile(ExecSettings exec) =>
        exec.StandardInput == StandardInputKind.File && exec.StandardInputPath is { } path ? ChildFile.Input(path) : null;

    /// <summary>A bare program name searched in the unit's root directory; the path inside it, or the name unchanged
    /// when it is not there (the spawn then fails with 203/EXEC).</summary>
    private static string ResolveInRoot(string root, string name, IReadOnlyList<string>? searchPath)
    {
        if (name.Contains('/'))
            return name;
        foreach (string dir in searchPath ?? ExecutableLookup.DefaultPath)
        {
            string inside = Path.Combine(dir, name);
            if (ExecutableLookup.Check(root + inside) == 0)
                return inside;
        }

        return name;
    }

    private string? WorkingDirectory(ExecSettings exec, string? root)
    {
        string? dir = exec.WorkingDirectory;
        // Without WorkingDirectory= a system manager runs services in /, a user manager in the user's home.
        string fallback = _userMode ? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile) : "/";
        if (dir is null)
            return fallback;
        if (dir == "~")
            dir = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        // WorkingDirectory= is a path in the unit's root directory (the child changes into it after the chroot).
        if (exec.WorkingDirectoryMissingOk && !Directory.Exists(root + dir))
            return fallback;
        return dir;
    }

    /// <summary>
    /// The environment block, in systemd's order of precedence: the manager's base, User='s HOME/USER/LOGNAME/SHELL,
    /// the ids and fds the manager sets, PassEnvironment=, Environment=, EnvironmentFile=, then UnsetEnvironment=.
    /// </summary>
    private List<string> Environment(in ExecInputs inputs, int listenFds, List<string> fdNames, IReadOnlyList<string>? userEnvironment)
    {
        var settings = inputs.Settings;
        var env = new List<string>(_baseEnvironment.Length + settings.Environment.Count + 10);
        env.AddRange(_baseEnvironment);
        if (settings.Exec.Attributes.ExecSearchPath is { } searchPath)
            ExecEnvironment.Set(env, "PATH=" + string.Join(':', searchPath));   // ExecSearchPath= is the service's $PATH too
        foreach (var assignment in userEnvironment ?? [])
            ExecEnvironment.Set(env, assignment);
        env.Add("INVOCATION_ID=" + inputs.InvocationId);
        if (inputs.CredentialsDirectory is { } credentials)
            env.Add("CREDENTIALS_DIRECTORY=" + credentials);
        if (listenFds > 0)
        {
            env.Add("LISTEN_FDS=" + listenFds.ToString(CultureInfo.InvariantCulture));
            env.Add("LISTEN_FDNAMES=" + string.Join(':', fdNames));
        }
        if (inputs.Connection?.RemoteAddress is { } remote)
        {
            env.Add("REMOTE_ADDR=" + remote);
            env.Add("REMOTE_PORT=" + inputs.Connection.RemotePort!.Value.ToString(CultureInfo.InvariantCulture));
        }
        if (NotifySocketPath is { } notify && settings.EffectiveNotifyAccess != NotifyAccess.None)
            env.Add("NOTIFY_SOCKET=" + notify);
        if (settings.WatchdogSec is { } watchdog && watchdog > TimeSpan.Zero)
            env.Add("WATCHDOG_USEC=" + ((long)watchdog.TotalMicroseconds).ToString(CultureInfo.InvariantCulture));
        Directories.AddEnvironment(env, settings.Exec);
        var exec = settings.Exec;
        foreach (var name in exec.PassEnvironment)
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
                ExecEnvironment.Set(env, name + "=" + value);
        foreach (var assignment in settings.Environment)
            ExecEnvironment.Set(env, assignment);
        // Read off the loop before the command (DirectoryStore): a FIFO or a hung mount holds its unit alone.
        if (exec.EnvironmentFiles.Count > 0 && inputs.Directories?.EnvironmentFiles is { } files)
        {
            foreach (var assignment in files.Assignments)
                ExecEnvironment.Set(env, assignment);
            foreach (string warning in files.Warnings)
                ManagerLog.UnitWarning(_log, inputs.UnitId, warning);
        }
        foreach (var name in exec.UnsetEnvironment)
            ExecEnvironment.Unset(env, name);
        if (!inputs.IsMain && inputs.MainPid > 0)
            ExecEnvironment.Set(env, "MAINPID=" + inputs.MainPid.ToString(CultureInfo.InvariantCulture));
        return env;
    }

    private static string[] BaseEnvironment(bool userMode)
    {
        var env = new List<string>();
        if (userMode)
        {
            env.Add("PATH=" + (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"));
            foreach (var name in (string[])["HOME", "USER", "LOGNAME", "SHELL", "XDG_RUNTIME_DIR", "LANG", "LC_ALL"])
                if (System.Environment.GetEnvironmentVariable(name) is { } value)
                    env.Add(name + "=" + value);
            env.Add("MANAGERPID=" + System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            env.Add("PATH=" + ExecutableLookup.DefaultPathVariable);
            if (System.Environment.GetEnvironmentVariable("LANG") is { } lang)
                env.Add("LANG=" + lang);
        }
        return [.. env];
    }
}
