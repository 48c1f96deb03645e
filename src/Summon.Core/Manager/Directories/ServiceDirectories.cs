using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Directories;

/// <summary>
/// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and ConfigurationDirectory= of services: made
/// before each command of the service is spawned (as systemd's exec_child does for every command), on a pool thread
/// (<see cref="DirectoryStore"/>), after the User=/Group= lookup has answered, owned by that user and group (the system
/// manager only; a user manager leaves them its own), given to the commands as $RUNTIME_DIRECTORY and its kin, and the
/// runtime ones removed, off the loop too, when the service has stopped. Bases are the %t %S %C %L %E of the manager's <see cref="SpecifierContext"/>, so
/// SUMMON_DIRECTORY_ROOT moves them with the specifiers. A failure is the command's failure with systemd's status
/// (233/RUNTIME_DIRECTORY, 238/STATE_DIRECTORY, 239/CACHE_DIRECTORY, 240/LOGS_DIRECTORY, 241/CONFIGURATION_DIRECTORY).
/// DynamicUser= makes them with its user (<see cref="PrepareDynamic"/>): its State/Cache/Logs directories live under a
/// "private" base with a symlink at the usual place, which is where <see cref="AddEnvironment"/> points.
/// </summary>
internal sealed class ServiceDirectories
{
    public const int RuntimeStatus = 233, StateStatus = 238, CacheStatus = 239, LogsStatus = 240, ConfigurationStatus = 241;

    private readonly SpecifierContext _context;

    public ServiceDirectories(SpecifierContext context) => _context = context;

    /// <summary>Where a kind's names are made; null for a user manager without $XDG_RUNTIME_DIR (runtime only).</summary>
    public string? Base(ExecDirectoryKind kind) => ExecDirectories.Base(_context, kind);

    /// <summary>The exit status a command gets when its directories of this kind cannot be made.</summary>
    public static int ExitStatus(ExecDirectoryKind kind) => kind switch
    {
        ExecDirectoryKind.Runtime => RuntimeStatus,
        ExecDirectoryKind.State => StateStatus,
        ExecDirectoryKind.Cache => CacheStatus,
        ExecDirectoryKind.Logs => LogsStatus,
        _ => ConfigurationStatus,
    };

    /// <summary>The kind whose set-up fails with <paramref name="exitStatus"/>, or null.</summary>
    public static ExecDirectoryKind? KindOf(int exitStatus)
    {
        foreach (var kind in ExecDirectories.Kinds)
            if (ExitStatus(kind) == exitStatus)
                return kind;
        return null;
    }

    /// <summary>"Failed to set up special execution directory in /var/lib" (execute.c's words) for such a status.</summary>
    public string? FailureText(int exitStatus) =>
        KindOf(exitStatus) is { } kind ? $"Failed to set up special execution directory in {Base(kind) ?? "$XDG_RUNTIME_DIR"}" : null;

    /// <summary>
    /// Makes the directories of <paramref name="exec"/> for a command run with <paramref name="credentials"/>; throws
    /// <see cref="SpawnException"/> with the kind's status when one cannot be. Blocking (a recursive chown when the
    /// owner changed): pool threads only (<see cref="DirectoryStore"/>). Returns the lines to log.
    /// </summary>
    public List<string> Make(ExecSettings exec, ExecCredentials credentials)
    {
        if (!exec.Directories.Any)
            return [];
        // EXEC_CHOWN_DIRECTORIES: the system manager gives them to User=/Group= (root without them).
        (uint, uint)? owner = _context.UserMode ? null : (credentials.Uid ?? 0, credentials.Gid ?? 0);
        return Make(exec, owner, "", privateBases: false);
    }

    /// <summary>The status of the first kind <paramref name="exec"/> names (a failure no kind can be blamed for).</summary>
    public static int FirstStatus(ExecSettings exec)
    {
        foreach (var kind in ExecDirectories.Kinds)
            if (exec.Directories[kind].Items.Count > 0)
                return ExitStatus(kind);
        return RuntimeStatus;
    }

    /// <summary>
    /// DynamicUser=: as <see cref="Make(ExecSettings, ExecCredentials)"/> for <paramref name="uid"/>/<paramref name="gid"/>, with the State, Cache
    /// and Logs directories under BASE/private (0700, root's: a later holder of the uid cannot reach them from outside)
    /// and BASE/NAME a symlink to private/NAME; a directory found at BASE/NAME is moved in first. Blocking (a recursive
    /// chown when the uid changed): pool threads only. Returns the lines to log.
    /// </summary>
    public List<string> PrepareDynamic(ExecSettings exec, uint uid, uint gid, string path) =>
        exec.Directories.Any ? Make(exec, (uid, gid), path, privateBases: true) : [];

    /// <summary>The kinds DynamicUser= keeps under BASE/private (exec_directory_is_private()).</summary>
    public static bool IsPrivate(ExecDirectoryKind kind) => kind is ExecDirectoryKind.State or ExecDirectoryKind.Cache or ExecDirectoryKind.Logs;

    /// <summary>BASE/private of every private kind <paramref name="exec"/> names (a tmpfs in the service's view).</summary>
    public List<string> PrivateRoots(ExecSettings exec) =>
        [.. PrivateKinds(exec).Select(k => Join(Base(k)!, PrivateName))];

    /// <summary>BASE/private/NAME of every private directory (bound into the service's view where they are).</summary>
    public List<string> PrivatePaths(ExecSettings exec) =>
        [.. PrivateKinds(exec).SelectMany(k => exec.Directories[k].Items.Select(i => Join(Join(Base(k)!, PrivateName), i.Path)))];

    private const string PrivateName = "private";

    private IEnumerable<ExecDirectoryKind> PrivateKinds(ExecSettings exec) =>
        ExecDirectories.Kinds.Where(k => IsPrivate(k) && exec.Directories[k].Items.Count > 0 && Base(k) is not null);

    private List<string> Make(ExecSettings exec, (uint, uint)? owner, string path, bool privateBases)
    {
        var warnings = new List<string>();
        var directories = exec.Directories;
        foreach (var kind in ExecDirectories.Kinds)
        {
            var directory = directories[kind];
            if (directory.Items.Count == 0)
                continue;
            string root = Base(kind) ?? throw new SpawnException(path, Errno.ENXIO, ExitStatus(kind));
            try
            {
                foreach (var item in directory.Items)
                {
                    bool configuration = kind == ExecDirectoryKind.Configuration;
                    if (privateBases && IsPrivate(kind))
                        MakePrivate(root, item.Path, directory.Mode, owner, ExecDirectories.Key(kind), warnings);
                    // systemd leaves an existing configuration directory's owner and mode alone: it is not meant to be
                    // written by the service.
                    else if (ExecDirectoryMaker.Make(root, item.Path, directory.Mode, owner, keepExisting: configuration, ExecDirectories.Key(kind)) is { } warning)
                        warnings.Add(warning);
                    foreach (string link in item.Symlinks)
                        ExecDirectoryMaker.Link(root, item.Path, link);
                }
            }
            catch (ErrnoException e)
            {
                throw new SpawnException(path, e.Number, ExitStatus(kind));
            }
        }

        return warnings;
    }

    /// <summary>ROOT/private (0700, left as found when it exists), ROOT/private/NAME made and owned as usual, and
    /// ROOT/NAME a relative symlink to it; a real directory at ROOT/NAME moves in when private/NAME is not there yet.</summary>
    private static void MakePrivate(string root, string relative, uint mode, (uint, uint)? owner, string key, List<string> warnings)
    {
        string privateRoot = Join(root, PrivateName);
        if (ExecDirectoryMaker.Make(root, PrivateName, PrivateMode, owner: null, keepExisting: true, key) is { } warning)
            warnings.Add(warning);
        string visible = Join(root, relative), hidden = Join(privateRoot, relative);
        try
        {
            if (new DirectoryInfo(visible) is { Exists: true, LinkTarget: null } && !Path.Exists(hidden))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(hidden)!);
                Directory.Move(visible, hidden);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ErrnoException("rename", e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO);
        }

        ExecDirectoryMaker.Make(privateRoot, relative, mode, owner, keepExisting: false, key);
        ExecDirectoryMaker.Link(root, PrivateName + "/" + relative, relative);
    }

    /// <summary>0700: BASE/private is root's alone.</summary>
    private const uint PrivateMode = 0b111_000_000;

    /// <summary>Adds "RUNTIME_DIRECTORY=/run/a:/run/b" and its kin for every kind that names directories; nothing (and
    /// no allocation) for a service without them.</summary>
    public void AddEnvironment(List<string> env, ExecSettings exec)
    {
        if (!exec.Directories.Any)
            return;
        foreach (var kind in ExecDirectories.Kinds)
        {
            var items = exec.Directories[kind].Items;
            if (items.Count == 0 || Base(kind) is not { } root)
                continue;
            env.Add(ExecDirectories.Variable(kind) + "=" + string.Join(':', items.Select(i => Join(root, i.Path))));
        }
    }

    /// <summary>
    /// Whether the service's runtime directories go now that it is dead: not with RuntimeDirectoryPreserve=yes, nor
    /// with =restart when it is about to start again (unit_destroy_runtime_data). The other kinds always stay.
    /// </summary>
    public bool RemovesRuntime(ExecSettings exec, bool restarting)
    {
        if (exec.Directories[ExecDirectoryKind.Runtime].Items.Count == 0 || Base(ExecDirectoryKind.Runtime) is null)
            return false;
        var preserve = exec.Directories.Preserve;
        return !(preserve == RuntimeDirectoryPreserve.Yes || (preserve == RuntimeDirectoryPreserve.Restart && restarting));
    }

    /// <summary>Removes the runtime directories of <paramref name="exec"/> and their symlinks (what cannot be removed
    /// stays). Blocking: pool threads only.</summary>
    public void RemoveRuntime(ExecSettings exec)
    {
        if (Base(ExecDirectoryKind.Runtime) is not { } root)
            return;
        foreach (var item in exec.Directories[ExecDirectoryKind.Runtime].Items)
        {
            ExecDirectoryMaker.Remove(Join(root, item.Path));
            foreach (string link in item.Symlinks)
                ExecDirectoryMaker.RemoveLink(Join(root, link));
        }
    }

    private static string Join(string root, string relative) => root.TrimEnd('/') + "/" + relative;
}
