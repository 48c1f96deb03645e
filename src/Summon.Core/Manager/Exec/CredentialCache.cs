using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// User=, Group= and SupplementaryGroups= resolved off the event loop: an NSS lookup (getpwnam_r through LDAP or sssd)
/// may take any time, so it runs on a pool thread, started when a definition naming them is loaded (again at each
/// daemon-reload, as systemd re-reads the databases for every spawn) and kept for every unit naming the same
/// user and groups (the Accept=yes instances of a template share it). A spawn uses the answer once it is there; the first one waits for it a short,
/// bounded time; while a lookup is still running after that, starts fail with 217/USER ("Connection timed out")
/// rather than stopping the manager. Only the event loop calls this.
/// </summary>
internal sealed class CredentialCache
{
    /// <summary>How long the first spawn of a definition waits for its lookup: long enough for the files and
    /// systemd databases on a busy machine, short against the manager's own answer time.</summary>
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(50);

    private readonly Dictionary<string, Lookup> _lookups = new(StringComparer.Ordinal);
    private readonly Func<string?, string?, string[], ExecCredentials> _resolve;

    /// <param name="resolve">The lookup itself (user, group, supplementary groups), run on a pool thread; throws
    /// <see cref="SpawnException"/> for an unknown name. <see cref="ExecCredentials.Resolve"/> unless a test says.</param>
    public CredentialCache(Func<string?, string?, string[], ExecCredentials>? resolve = null) =>
        _resolve = resolve ?? ((user, group, groups) => ExecCredentials.Resolve(user, group, groups, ""));

    /// <summary>Starts the lookup for a definition that names a user or groups; one that has answered is asked
    /// again.</summary>
    public void Prefetch(ExecSettings exec)
    {
        if (!Names(exec))
            return;
        if (_lookups.TryGetValue(Key(exec), out var lookup) && !lookup.Task.IsCompleted)
            return;
        Start(exec);
    }

    /// <summary>
    /// The credentials of <paramref name="exec"/> for a command of <paramref name="path"/>; throws
    /// <see cref="SpawnException"/> at step USER or GROUP when a name is unknown or the lookup has not answered.
    /// </summary>
    public ExecCredentials Resolve(ExecSettings exec, string path)
    {
        if (!Names(exec))
            return ExecCredentials.None;
        Lookup lookup = LookupOf(exec);
        if (!lookup.Task.IsCompleted && !lookup.Waited)
        {
            lookup.Waited = true;
            // The one bounded wait on the loop, so a start right after the load still finds its user.
            ((IAsyncResult)lookup.Task).AsyncWaitHandle.WaitOne(FirstWait);
        }
        if (!lookup.Task.IsCompleted)
            throw new SpawnException(path, Errno.ETIMEDOUT, ExitStatusNames.User);
        var (credentials, errno, step) = lookup.Task.Result;
        return credentials ?? throw new SpawnException(path, errno, step);
    }

    /// <summary>Whether the lookup for <paramref name="exec"/> has answered (for tests that must not race the pool).</summary>
    internal bool Answered(ExecSettings exec) => !Names(exec) || LookupOf(exec).Task.IsCompleted;

    private static bool Names(ExecSettings exec) =>
        !string.IsNullOrEmpty(exec.User) || !string.IsNullOrEmpty(exec.Group) || exec.SupplementaryGroups.Count > 0;

    private static string Key(ExecSettings exec) =>
        string.Join('\0', [exec.User ?? "", exec.Group ?? "", .. exec.SupplementaryGroups]);

    private Lookup LookupOf(ExecSettings exec) => _lookups.TryGetValue(Key(exec), out var lookup) ? lookup : Start(exec);

    private Lookup Start(ExecSettings exec)
    {
        string? user = exec.User, group = exec.Group;
        string[] groups = [.. exec.SupplementaryGroups];
        var lookup = new Lookup(Task.Run(() =>
        {
            try
            {
                return (_resolve(user, group, groups), 0, 0);
            }
            catch (SpawnException e)
            {
                return ((ExecCredentials?)null, e.Errno, e.ExitStatus);
            }
        }));
        _lookups[Key(exec)] = lookup;
        return lookup;
    }

    private sealed class Lookup(Task<(ExecCredentials? Credentials, int Errno, int Step)> task)
    {
        public Task<(ExecCredentials? Credentials, int Errno, int Step)> Task { get; } = task;

        /// <summary>A spawn has waited its bounded time for this lookup once already.</summary>
        public bool Waited { get; set; }
    }
}
