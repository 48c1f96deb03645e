using Summon.Manager.DynamicUsers;

namespace Summon.Manager;

/// <summary>The service's DynamicUser= and RemoveIPC= side: the user realized before the first command of each start
/// (<see cref="DynamicUserStore"/> does the work off the loop), and the users given back once the last process is
/// gone.</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>
    /// True when a command must wait for this invocation's dynamic user: the realizing starts here and
    /// <see cref="OnCredentialsAnswered"/> resumes the command on the loop once it is done, under TimeoutStartSec= as
    /// the user lookup waits.
    /// </summary>
    private bool AwaitDynamicUser()
    {
        if (!Settings.Exec.Privileges.DynamicUser)
            return false;
        var job = _dynamicUser;
        if (job is null || job.InvocationId != InvocationId)
        {
            ReleaseUsers();
            job = Manager.DynamicUsers.Start(Id, InvocationId, Settings.Exec, Manager.ExecBuilder.Sandbox.ModeFor(Settings));
            _dynamicUser = job;
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
        ulong token = ++_credentialWaits;
        _credentialWait = token;
        if ((_state is ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost) && !_timeoutApplies)
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        job.Task.ContinueWith(_ => Manager.Loop.Post(() => OnCredentialsAnswered(token)),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return true;
    }

    /// <summary>The line that says why the dynamic user failed and what to do, logged before systemd's two lines.</summary>
    private void LogDynamicUserFailure()
    {
        if (_dynamicUser?.Message is { } message)
            ManagerLog.UnitError(Manager.Log, Id, message);
    }

    /// <summary>A command started as <paramref name="uid"/>/<paramref name="gid"/>: the start holds them until it is
    /// dead, so RemoveIPC= waits for the last unit of the user (system manager only, as systemd).</summary>
    private void HoldIpcOwners(uint? uid, uint? gid)
    {
        if (_ipcHeld is not null || Manager.UserMode || (uid is null or 0 && gid is null or 0))
            return;
        _ipcHeld = (uid, gid);
        Manager.DynamicUsers.Owners.Hold(uid, gid, Settings.Exec.Privileges.EffectiveRemoveIpc);
    }

    /// <summary>The last process is gone: the IPC objects of the user go when this was its last unit (RemoveIPC=),
    /// then the dynamic user is given back.</summary>
    private void ReleaseUsers()
    {
        var cleaned = Task.CompletedTask;
        if (_ipcHeld is { } held)
        {
            _ipcHeld = null;
            cleaned = Manager.DynamicUsers.Owners.Release(held.Uid, held.Gid);
        }
        if (_dynamicUser is { } job)
        {
            _dynamicUser = null;
            Manager.DynamicUsers.Release(job, cleaned);
        }
    }
}
