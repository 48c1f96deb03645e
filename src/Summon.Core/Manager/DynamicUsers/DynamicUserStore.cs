using Summon.Manager.Directories;
using Summon.Manager.Sandbox;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// DynamicUser= for the manager's services: each start takes its user and group from <see cref="Users"/> (realized
/// off the loop), then resolves SupplementaryGroups= and makes the service directories as that user, on the same pool
/// chain, while the start waits in its state under TimeoutStartSec=; the stop releases them after the RemoveIPC=
/// clean-up of <see cref="Owners"/>. A manager that cannot switch uids (a user manager) refuses the start with
/// 217/USER, or under best-effort runs the service as itself and says so. Only the event loop calls this.
/// </summary>
internal sealed class DynamicUserStore(DynamicUserTable users, ServiceDirectories directories, bool canSwitchUsers)
{
    public DynamicUserTable Users { get; } = users;

    /// <summary>The uids and gids in use, for RemoveIPC= (every unit's, not only dynamic ones).</summary>
    public IpcOwners Owners { get; } = new();

    /// <summary>Starts realizing the user of one start of <paramref name="unit"/>; its directories are made once
    /// <paramref name="before"/> (the removal of the last run's) is done.</summary>
    public DynamicUserJob Start(string unit, string invocationId, ExecSettings exec, SandboxMode mode, Task before)
    {
        string user = string.IsNullOrEmpty(exec.User) ? DynamicUserName.FromUnit(unit) : exec.User;
        string group = string.IsNullOrEmpty(exec.Group) ? user : exec.Group;
        if (!canSwitchUsers)
            return Refused(invocationId, mode);
        var job = new DynamicUserJob(invocationId, user, group);
        var suggested = directories.PrivatePaths(exec);
        var userTask = Users.Acquire(user, isUser: true, suggested);
        var groupTask = group == user ? userTask : Users.Acquire(group, isUser: false, suggested);
        string[] supplementary = [.. exec.SupplementaryGroups];
        job.Task = Task.WhenAll(userTask, groupTask, before).ContinueWith(_ =>
        {
            try
            {
                Prepare(job, exec, userTask, groupTask, supplementary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException)
            {
                job.Credentials = null;
                job.Failure = (e is ErrnoException errno ? errno.Number : Errno.EIO, ExitStatusNames.User);
                job.Message = $"Cannot set up dynamic user {user}: {e.Message}";
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return job;
    }

    /// <summary>The start is over (its last process is gone): its names go back after the IPC clean-up
    /// <paramref name="cleaned"/>.</summary>
    public void Release(DynamicUserJob job, Task cleaned)
    {
        if (job.User.Length == 0)
            return;   // refused or left out: nothing was held
        Users.Release(job.User, cleaned);
        if (job.Group != job.User)
            Users.Release(job.Group, cleaned);
    }

    private static DynamicUserJob Refused(string invocationId, SandboxMode mode)
    {
        var job = new DynamicUserJob(invocationId, "", "");
        if (mode == SandboxMode.BestEffort)
        {
            job.Credentials = ExecCredentials.None;
            job.NotApplied = "DynamicUser=yes (a user manager cannot switch to another uid: the service runs as the manager's user)";
            return job;
        }

        job.Failure = (Errno.EPERM, ExitStatusNames.User);
        job.Message = "DynamicUser=yes needs the system manager: a user manager cannot switch its services to another uid. "
            + "Run the unit under the system manager, or allow the downgrade with --sandbox=best-effort or [X-Summon] SandboxFallback=best-effort.";
        return job;
    }

    private void Prepare(DynamicUserJob job, ExecSettings exec, Task<DynamicIdentity> userTask, Task<DynamicIdentity> groupTask, string[] supplementary)
    {
        foreach (var task in (Task<DynamicIdentity>[])[userTask, groupTask])
        {
            if (task.IsCompletedSuccessfully)
                continue;
            var failure = task.Exception?.InnerException as DynamicUserFailure;
            job.Failure = (failure?.Errno ?? Errno.EIO, ExitStatusNames.User);
            job.Message = failure?.Message ?? $"Cannot realize dynamic user {job.User}: {task.Exception?.InnerException?.Message}";
            return;
        }

        var user = userTask.Result;
        uint gid = ReferenceEquals(userTask, groupTask) ? user.Gid : groupTask.Result.Id;
        var groups = new List<uint>(supplementary.Length);
        foreach (string name in supplementary)
        {
            int r = ExecCredentials.TryResolveGroup(name, out uint g);
            if (r != 0)
            {
                job.Failure = (r, ExitStatusNames.Group);
                return;
            }

            groups.Add(g);
        }

        try
        {
            job.Warnings.AddRange(directories.PrepareDynamic(exec, user.Id, gid, ""));
            job.DirectoriesMade = true;
        }
        catch (SpawnException e)
        {
            job.Failure = (e.Errno, e.ExitStatus);
            return;
        }

        job.Credentials = ExecCredentials.Dynamic(user.Name, user.Id, gid, groups);
    }
}
