using Summon.Manager.DynamicUsers;

namespace Summon.Manager;

/// <summary>The service's DynamicUser= and RemoveIPC= side: the user realized before the first command of each start
/// (<see cref="DynamicUserStore"/> does the work off the loop), and the users given back once the last process is
/// gone.</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>What one start holds: its dynamic user, and the uid/gid its commands ran as (for RemoveIPC=).</summary>
    private sealed class HeldUsers
    {
        public DynamicUserJob? Job { get; set; }

        public bool IpcHeld { get; set; }

        public uint? Uid { get; set; }

        public uint? Gid { get; set; }
    }

    /// <summary>This start's dynamic user; null without DynamicUser= (or before the first command).</summary>
    private DynamicUserJob? CurrentDynamicUser => _users?.Job;

    /// <summary>
    /// True when a command must wait for this invocation's dynamic user: the realizing starts here and
    /// <see cref="OnCredentialsAnswered"/> resumes the command on the loop once it is done, under TimeoutStartSec= as
    /// the user lookup waits.
    /// </summary>
    private bool AwaitDynamicUser()
    {
        if (!Settings.Exec.Privileges.DynamicUser)
            return false;
        var job = CurrentDynamicUser;
        if (job is null || job.InvocationId != InvocationId)
        {
            ReleaseUsers();
            job = Manager.DynamicUsers.Start(Id, InvocationId, Settings.Exec, Manager.ExecBuilder.Sandbox.ModeFor(Settings),
                Manager.UnitDirectories.Quiet(Id));
            (_users ??= new HeldUsers()).Job = job;
        }
        if (job.Done)
        {
            if (!job.Reported)
            {
                job.Reported = true;
                foreach (string warning in job.Warnings)
                    ManagerLog.UnitWarning(Manager.Log, Id, warning);
            }
            return false;
        }
        WaitFor(job.Task);
        return true;
    }

    /// <summary>The line that says why the dynamic user failed and what to do, logged before systemd's two lines.</summary>
    private void LogDynamicUserFailure()
    {
        if (CurrentDynamicUser?.Message is { } message)
            ManagerLog.UnitError(Manager.Log, Id, message);
    }

    /// <summary>A command started as <paramref name="uid"/>/<paramref name="gid"/>: the start holds them until it is
    /// dead, so RemoveIPC= waits for the last unit of the user (system manager only, as systemd).</summary>
    private void HoldIpcOwners(uint? uid, uint? gid)
    {
        if (_users is { IpcHeld: true } || Manager.UserMode || (uid is null or 0 && gid is null or 0))
            return;
        var held = _users ??= new HeldUsers();
        (held.IpcHeld, held.Uid, held.Gid) = (true, uid, gid);
        Manager.DynamicUsers.Owners.Hold(uid, gid, Settings.Exec.Privileges.EffectiveRemoveIpc);
    }

    /// <summary>The last process is gone: the IPC objects of the user go when this was its last unit (RemoveIPC=),
    /// then the dynamic user is given back.</summary>
    private void ReleaseUsers()
    {
        if (_users is not { } held)
            return;
        _users = null;
        var cleaned = held.IpcHeld ? Manager.DynamicUsers.Owners.Release(held.Uid, held.Gid) : Task.CompletedTask;
        if (held.Job is { } job)
            Manager.DynamicUsers.Release(job, cleaned);
    }
}
