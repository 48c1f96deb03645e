using Summon.Manager.Exec;
using Summon.Manager.Sandbox;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Directories;

/// <summary>
/// The disk work of a unit's commands, off the loop: before a command is built its service directories are made (a
/// mkdir, a chmod and a recursive chown that a big tree or a dead NFS mount can make take seconds or forever), its
/// private /tmp too, and its EnvironmentFile= read (a FIFO blocks until a writer comes), on a pool thread while the
/// command waits in its unit's state under the state's timeout; when the unit is dead they are removed the same way.
/// The work of one unit runs one job after another, so that a stop's removal never races the next start's making. A
/// unit that names none of them (an Accept=yes echo) takes no pool hop. Only the event loop calls this.
/// </summary>
internal sealed class DirectoryStore(EventLoop loop, ServiceDirectories directories, MountDirectories? mounts)
{
    private readonly Dictionary<string, Task> _last = new(StringComparer.Ordinal);

    /// <summary>
    /// True when a command of <paramref name="exec"/> must wait for the disk: it names service directories (not made
    /// already with its dynamic user), environment files, a private /tmp, or a mount namespace whose common nodes are
    /// not made yet. Allocates nothing.
    /// </summary>
    public bool Needed(ExecSettings exec, bool dynamicUser, bool directoriesMade) =>
        (exec.Directories.Any && !directoriesMade) || exec.EnvironmentFiles.Count > 0
        || (mounts is not null && (exec.Mounts.EffectivePrivateTmp(dynamicUser) || (!mounts.CommonMade && MountPlan.Needed(exec, dynamicUser))));

    /// <summary>Starts making what a command of <paramref name="unit"/> needs, after the unit's earlier jobs; the
    /// directories are owned by <paramref name="credentials"/>' user and group.</summary>
    public DirectoryJob Prepare(string unit, ExecSettings exec, ExecCredentials credentials, bool dynamicUser, bool directoriesMade,
        IReadOnlyList<string>? joins)
    {
        var job = new DirectoryJob();
        bool makeDirectories = exec.Directories.Any && !directoriesMade;
        bool namespaced = mounts is not null && MountPlan.Needed(exec, dynamicUser);
        var tmp = mounts is not null && exec.Mounts.EffectivePrivateTmp(dynamicUser) ? mounts.ClaimPrivateTmp(unit, joins) : null;
        var common = mounts;
        job.Task = Enqueue(unit, tmp?.Owner, () =>
        {
            if (makeDirectories)
                MakeDirectories(job, exec, credentials);
            if (exec.EnvironmentFiles.Count > 0)
                job.EnvironmentFiles = ExecEnvironment.ReadFiles(exec.EnvironmentFiles);
            try
            {
                if (namespaced)
                    common!.EnsureCommon();
                if (tmp is not null)
                    MountDirectories.MakePrivateTmp(tmp);
                job.PrivateTmp = tmp;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException)
            {
                job.MountErrno = e switch
                {
                    ErrnoException errno => errno.Number,
                    UnauthorizedAccessException => Errno.EACCES,
                    _ => Errno.EIO,
                };
            }
        });
        return job;
    }

    /// <summary>
    /// <paramref name="unit"/> is dead: with <paramref name="runtime"/> its runtime directories go (see
    /// <see cref="ServiceDirectories.RemovesRuntime"/>) and, with <paramref name="privateTmp"/>, its private /tmp and
    /// /var/tmp unless a unit joined to them still runs, after the unit's jobs queued.
    /// </summary>
    public void Remove(string unit, ExecSettings exec, bool runtime, bool privateTmp)
    {
        var tmp = privateTmp ? mounts?.ReleasePrivateTmp(unit) : null;
        if (runtime || tmp is not null)
            EnqueueRemoval(unit, exec, runtime, tmp);
        Forget(unit);
    }

    /// <summary>The removal's own method: its closure is allocated only when there is something to remove (every
    /// Accept=yes instance's end passes through <see cref="Remove"/>).</summary>
    private void EnqueueRemoval(string unit, ExecSettings exec, bool runtime, PrivateTmpPaths? tmp) =>
        Enqueue(unit, tmp?.Owner, () =>
        {
            if (runtime)
                directories.RemoveRuntime(exec);
            if (tmp is not null)
                MountDirectories.RemovePrivateTmp(tmp);
        });

    /// <summary>Completed when no job of <paramref name="unit"/> is queued or running.</summary>
    public Task Quiet(string unit) => _last.TryGetValue(unit, out var last) ? last : Task.CompletedTask;

    private void MakeDirectories(DirectoryJob job, ExecSettings exec, ExecCredentials credentials)
    {
        try
        {
            job.Warnings.AddRange(directories.Make(exec, credentials));
        }
        catch (SpawnException e)
        {
            job.Failure = (e.Errno, e.ExitStatus);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            job.Failure = (e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO, ServiceDirectories.FirstStatus(exec));
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pool thread after the jobs of <paramref name="unit"/> (and of the
    /// unit whose private /tmp it shares, <paramref name="tmpOwner"/>).</summary>
    private Task Enqueue(string unit, string? tmpOwner, Action work)
    {
        string? shared = tmpOwner is not null && tmpOwner != unit ? tmpOwner : null;
        var before = shared is null ? Quiet(unit) : Task.WhenAll(Quiet(unit), Quiet(shared));
        var task = before.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _last[unit] = task;
        if (shared is not null)
            _last[shared] = task;
        return task;
    }

    /// <summary>Drops the unit's entry once its last job is done, so that units gone for good (Accept=yes instances)
    /// leave nothing behind.</summary>
    private void Forget(string unit)
    {
        if (!_last.TryGetValue(unit, out var last))
            return;
        if (last.IsCompleted)
            _last.Remove(unit);
        else
            ForgetAfter(unit, last);
    }

    private void ForgetAfter(string unit, Task last) =>
        last.ContinueWith(_ => loop.Post(() =>
        {
            if (_last.TryGetValue(unit, out var now) && ReferenceEquals(now, last))
                _last.Remove(unit);
        }), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
}
