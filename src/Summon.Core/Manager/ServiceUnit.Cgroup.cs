using Summon.Interop;
using Summon.Manager.ControlGroups;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The service's cgroup: made at its first spawn of a run, watched for "no process left" (cgroup.events), removed once
/// it is dead and empty. Without a writable cgroup2 hierarchy the process groups stand in, and keys that need a
/// controller are reported once.
/// </summary>
internal sealed partial class ServiceUnit
{
    /// <summary>The cgroup while the unit has one (status, show and the kill paths read it).</summary>
    internal UnitCgroup? ControlGroup => _cgroup;

    /// <summary>The cgroup the next child starts in, made (with its limits) when the unit has none yet.</summary>
    private UnitCgroup? EnterCgroup(ExecCommand command)
    {
        if (_cgroup is not null)
            return _cgroup;
        var resources = Settings.Resources;
        if (Manager.Cgroups is not { } tree)
        {
            if (resources.HasLimits && !_cgroupWarned)
            {
                _cgroupWarned = true;
                ManagerLog.UnitWarning(Manager.Log, Id,
                    "No writable control group (cgroup2) hierarchy here: MemoryMax=, TasksMax=, CPUQuota= and the other resource limits are ignored; processes are tracked by process group.");
            }
            return null;
        }
        try
        {
            bool warn = !_cgroupWarned;
            _cgroupWarned = true;
            // Delegate= hands the cgroup to User=, resolved by now (the spawn waited for the lookup).
            uint? owner = resources.Delegate ? Manager.ExecBuilder.Credentials.Resolve(Settings.Exec, command.Path).Uid : null;
            _cgroup = tree.Open(Id, resources, owner, message =>
            {
                if (warn)
                    ManagerLog.UnitWarning(Manager.Log, Id, message);
            });
        }
        catch (CgroupException e)
        {
            throw new SpawnException(command.Path, e.Errno, ExitStatusNames.Cgroup);
        }
        _cgroupToken = Manager.Loop.Register(_cgroup.Events, Libc.EPOLLPRI, _ => OnCgroupEvents());
        return _cgroup;
    }

    /// <summary>cgroup.events changed: once nothing is left in it, a signal state moves on (what the main process's
    /// exit alone cannot tell when it forked).</summary>
    private void OnCgroupEvents()
    {
        if (_cgroup is null || _cgroup.Populated())
            return;
        Manager.OnProcessReaped();   // stragglers re-parented to us are zombies now: reap them
        if (_main is null && _control is null)
            OnProcessesGone();
    }

    /// <summary>Dead: the cgroup goes once empty; one that KillMode=process or none left processes in stays, and is
    /// entered again by the next run. Its fds are closed either way (a collected instance keeps none).</summary>
    private void ReleaseCgroup()
    {
        if (_cgroup is null)
            return;
        _cgroup.TryRemove();
        Manager.Loop.Unregister(_cgroupToken);
        _cgroupToken = 0;
        _cgroup.Dispose();
        _cgroup = null;
    }
}
