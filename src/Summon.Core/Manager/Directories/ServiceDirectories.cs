using Microsoft.Extensions.Logging;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Directories;

/// <summary>
/// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and ConfigurationDirectory= of services: made
/// before each command of the service is spawned (as systemd's exec_child does for every command), on the loop, after
/// the User=/Group= lookup has answered, owned by that user and group (the system manager only; a user manager leaves
/// them its own), given to the commands as $RUNTIME_DIRECTORY and its kin, and the runtime ones removed when the
/// service has stopped. Bases are the %t %S %C %L %E of the manager's <see cref="SpecifierContext"/>, so
/// SUMMON_DIRECTORY_ROOT moves them with the specifiers. A failure is the command's failure with systemd's status
/// (233/RUNTIME_DIRECTORY, 238/STATE_DIRECTORY, 239/CACHE_DIRECTORY, 240/LOGS_DIRECTORY, 241/CONFIGURATION_DIRECTORY).
/// DynamicUser= (not honoured yet) would change only <see cref="Prepare"/>: its State/Cache/Logs directories live under
/// a "private" base with a symlink at the usual place, which is where <see cref="Environment"/> already points.
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
    /// Makes the directories of <paramref name="exec"/> for a command of <paramref name="path"/> run with
    /// <paramref name="credentials"/>; throws <see cref="SpawnException"/> with the kind's status when one cannot be.
    /// </summary>
    public void Prepare(ExecSettings exec, ExecCredentials credentials, string path, string unit, ILogger log)
    {
        var directories = exec.Directories;
        if (!directories.Any)
            return;
        // EXEC_CHOWN_DIRECTORIES: the system manager gives them to User=/Group= (root without them).
        (uint, uint)? owner = _context.UserMode ? null : (credentials.Uid ?? 0, credentials.Gid ?? 0);
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
                    // systemd leaves an existing configuration directory's owner and mode alone: it is not meant to be
                    // written by the service.
                    if (ExecDirectoryMaker.Make(root, item.Path, directory.Mode, owner, keepExisting: configuration, ExecDirectories.Key(kind)) is { } warning)
                        ManagerLog.UnitWarning(log, unit, warning);
                    foreach (string link in item.Symlinks)
                        ExecDirectoryMaker.Link(root, item.Path, link);
                }
            }
            catch (ErrnoException e)
            {
                throw new SpawnException(path, e.Number, ExitStatus(kind));
            }
        }
    }

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
    /// After the service is dead: its runtime directories and their symlinks go, unless RuntimeDirectoryPreserve=yes,
    /// or =restart and the service is about to start again (unit_destroy_runtime_data). The others stay.
    /// </summary>
    public void RemoveRuntime(ExecSettings exec, bool restarting)
    {
        if (exec.Directories[ExecDirectoryKind.Runtime].Items.Count == 0)
            return;
        var preserve = exec.Directories.Preserve;
        if (preserve == RuntimeDirectoryPreserve.Yes || (preserve == RuntimeDirectoryPreserve.Restart && restarting))
            return;
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
