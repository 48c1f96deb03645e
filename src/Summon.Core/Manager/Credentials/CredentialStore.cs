using Summon.Posix;
using Summon.Units;

namespace Summon.Manager.Credentials;

/// <summary>
/// Where and how the manager makes and removes the credentials directories of its services ($CREDENTIALS_DIRECTORY,
/// %d): ROOT/UNIT, made for each invocation before its first process and removed once its last process is gone.
/// Making reads the sources, which may block (a FIFO, a slow socket), so it runs on a pool thread, and the start waits
/// for it in its state under TimeoutStartSec= (the service resumes on the loop when the job is done). The jobs of one
/// unit run one after another, so that a stop's removal never races the next start's making. Only the event loop
/// calls this.
/// </summary>
internal sealed class CredentialStore
{
    private readonly Dictionary<string, Task> _last = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _searchPath;
    private readonly bool _mount;

    /// <param name="root">The manager's credentials root (<see cref="ManagerOptions.CredentialsRoot"/>).</param>
    /// <param name="searchPath">Where bare names and ImportCredential= globs are looked up (<see cref="SearchPath"/>).</param>
    /// <param name="mount">Whether to try a private file system per directory (the manager runs as root).</param>
    public CredentialStore(string root, IReadOnlyList<string> searchPath, bool mount)
    {
        Root = root;
        _searchPath = searchPath;
        _mount = mount;
    }

    public string Root { get; }

    /// <summary>systemd 252's: the credentials the manager itself was given ($CREDENTIALS_DIRECTORY, e.g. by a
    /// container engine), then the credential stores.</summary>
    public static IReadOnlyList<string> SearchPath(string? received) =>
        [.. received is { Length: > 0 } ? (string[])[received] : [], "/etc/credstore", "/run/credstore", "/usr/lib/credstore"];

    public string DirectoryOf(string unit) => Path.Combine(Root, unit);

    /// <summary>Starts making the directory of <paramref name="unit"/> for one invocation, after any earlier job of
    /// the unit; <paramref name="socketTimeout"/> bounds a credential socket.</summary>
    public CredentialJob Prepare(string unit, string invocationId, CredentialSettings wanted, uint? uid, uint? gid, TimeSpan socketTimeout)
    {
        string directory = DirectoryOf(unit);
        var job = new CredentialJob(invocationId);
        job.Task = After(unit).ContinueWith(_ =>
        {
            try
            {
                var credentials = CredentialSources.Gather(unit, wanted, _searchPath, socketTimeout);
                job.Notice = CredentialDirectory.Create(directory, credentials, uid, gid, _mount);
            }
            catch (CredentialFailure e)
            {
                job.Failure = e;
                TryRemove(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                job.Failure = new CredentialFailure(e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO, $"Cannot make {directory}: {e.Message}");
                TryRemove(directory);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _last[unit] = job.Task;
        return job;
    }

    /// <summary>Removes the directory of <paramref name="unit"/>: at once when no job of it runs (unmounting lazily,
    /// so the loop never waits on the mount), else after the jobs queued.</summary>
    public void Remove(string unit)
    {
        string directory = DirectoryOf(unit);
        if (!_last.TryGetValue(unit, out var last) || last.IsCompleted)
        {
            _last.Remove(unit);
            TryRemove(directory);
            return;
        }
        _last[unit] = last.ContinueWith(_ => TryRemove(directory), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private Task After(string unit) => _last.TryGetValue(unit, out var last) ? last : Task.CompletedTask;

    private static void TryRemove(string directory)
    {
        try
        {
            CredentialDirectory.Remove(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CredentialFailure)
        {
            // Left for the next start of the unit, which replaces whatever is there.
        }
    }
}
