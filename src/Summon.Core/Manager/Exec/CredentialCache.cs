using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// User=, Group= and SupplementaryGroups= resolved off the event loop: an NSS lookup (getpwnam_r through LDAP or sssd)
/// may take any time, so it runs on a pool thread, started when a definition naming them is loaded (again at each
/// daemon-reload, as systemd re-reads the databases for every spawn) and kept for every unit naming the same
/// user and groups (the Accept=yes instances of a template share it). A spawn uses the answer once it is there;
/// until then the unit waits in its state (<see cref="WhenAnswered"/> posts its continuation to the loop), bounded by
/// its own timeout, and the loop never waits for a lookup. Only the event loop calls this.
/// </summary>
internal sealed class CredentialCache
{
    private readonly Dictionary<string, Task<(ExecCredentials? Credentials, int Errno, int Step)>> _lookups = new(StringComparer.Ordinal);
    private readonly EventLoop _loop;
    private readonly Func<string?, string?, string[], ExecCredentials> _resolve;

    /// <param name="loop">Where the continuations of <see cref="WhenAnswered"/> run.</param>
    /// <param name="resolve">The lookup itself (user, group, supplementary groups), run on a pool thread; throws
    /// <see cref="SpawnException"/> for an unknown name. <see cref="ExecCredentials.Resolve"/> unless a test says.</param>
    public CredentialCache(EventLoop loop, Func<string?, string?, string[], ExecCredentials>? resolve = null)
    {
        _loop = loop;
        _resolve = resolve ?? ((user, group, groups) => ExecCredentials.Resolve(user, group, groups, ""));
    }

    /// <summary>Starts the lookup for a definition that names a user or groups; one that has answered is asked
    /// again.</summary>
    public void Prefetch(ExecSettings exec)
    {
        if (!Names(exec))
            return;
        if (_lookups.TryGetValue(Key(exec), out var lookup) && !lookup.IsCompleted)
            return;
        Start(exec);
    }

    /// <summary>Whether a spawn of <paramref name="exec"/> can have its credentials now (none named, or the lookup has
    /// answered); starts the lookup when none is running.</summary>
    public bool Answered(ExecSettings exec) => !Names(exec) || LookupOf(exec).IsCompleted;

    /// <summary>Runs <paramref name="resume"/> on the loop once the lookup for <paramref name="exec"/> has answered
    /// (posted, never called from here).</summary>
    public void WhenAnswered(ExecSettings exec, Action resume) =>
        LookupOf(exec).ContinueWith(_ => _loop.Post(resume), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>
    /// The credentials of <paramref name="exec"/> for a command of <paramref name="path"/>, once
    /// <see cref="Answered"/>; throws <see cref="SpawnException"/> at step USER or GROUP when a name is unknown.
    /// </summary>
    public ExecCredentials Resolve(ExecSettings exec, string path)
    {
        if (!Names(exec))
            return ExecCredentials.None;
        var lookup = LookupOf(exec);
        if (!lookup.IsCompleted)
            throw new InvalidOperationException("Credentials asked for before their lookup answered; the spawn must wait for it (WhenAnswered).");
        var (credentials, errno, step) = lookup.Result;
        return credentials ?? throw new SpawnException(path, errno, step);
    }

    // A DynamicUser= unit's names are realized per start (Manager/DynamicUsers), never looked up here.
    private static bool Names(ExecSettings exec) => !exec.Privileges.DynamicUser && (
        !string.IsNullOrEmpty(exec.User) || !string.IsNullOrEmpty(exec.Group) || exec.SupplementaryGroups.Count > 0);

    private static string Key(ExecSettings exec) =>
        string.Join('\0', [exec.User ?? "", exec.Group ?? "", .. exec.SupplementaryGroups]);

    private Task<(ExecCredentials? Credentials, int Errno, int Step)> LookupOf(ExecSettings exec) =>
        _lookups.TryGetValue(Key(exec), out var lookup) ? lookup : Start(exec);

    private Task<(ExecCredentials? Credentials, int Errno, int Step)> Start(ExecSettings exec)
    {
        string? user = exec.User, group = exec.Group;
        string[] groups = [.. exec.SupplementaryGroups];
        var lookup = Task.Run(() =>
        {
            try
            {
                return (_resolve(user, group, groups), 0, 0);
            }
            catch (SpawnException e)
            {
                return ((ExecCredentials?)null, e.Errno, e.ExitStatus);
            }
        });
        _lookups[Key(exec)] = lookup;
        return lookup;
    }
}
