using Summon.Control;
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
        var access = CgroupAccessRules.Of(Settings);
        if (Manager.Cgroups is not { } tree)
        {
            if (resources.HasLimits && !_cgroupWarned)
            {
                _cgroupWarned = true;
                ManagerLog.UnitWarning(Manager.Log, Id,
                    "No writable control group (cgroup2) hierarchy here: MemoryMax=, TasksMax=, CPUQuota= and the other resource limits are ignored; processes are tracked by process group.");
            }
            if (access is not null)
                AccessNotApplied(command, access, [.. access.Keys(resources).Select(k => k + " (no writable control group hierarchy here)")]);
            return null;
        }
        List<string> notApplied;
        UnitCgroup cgroup;
        try
        {
            bool warn = !_cgroupWarned;
            _cgroupWarned = true;
            // Delegate= hands the cgroup to User=, resolved by now (the spawn waited for the lookup).
            uint? owner = resources.Delegate ? Manager.ExecBuilder.Credentials.Resolve(Settings.Exec, command.Path).Uid : null;
            cgroup = tree.Open(Id, resources, owner, message =>
            {
                if (warn)
                    ManagerLog.UnitWarning(Manager.Log, Id, message);
            }, access, out notApplied);
        }
        catch (CgroupException e)
        {
            throw new SpawnException(command.Path, e.Errno, ExitStatusNames.Cgroup);
        }
        if (notApplied.Count > 0)
        {
            try
            {
                AccessNotApplied(command, access!, notApplied);
            }
            catch (SpawnException)
            {
                cgroup.TryRemove();
                cgroup.Dispose();
                throw;
            }
        }
        _cgroup = cgroup;
        _cgroupToken = Manager.Loop.Register(_cgroup.Events, Libc.EPOLLPRI, _ => OnCgroupEvents());
        if (_cgroup.OomWatch is { } oom)
            _oomToken = Manager.Loop.Register(oom.Fd, oom.Events, _ => OnOomEvent());
        // OOMPolicy=kill: the kernel kills the whole cgroup at once where cgroup2 can (memory.oom.group), as systemd asks.
        if (Settings.OOMPolicy == OomPolicy.Kill)
            _ = CgroupFile.Write(Path.Combine(_cgroup.Directory, "memory.oom.group"), "1");
        return _cgroup;
    }

    /// <summary>
    /// Device or IP filters the unit asked for could not be applied: in strict mode the start fails with 219/CGROUP
    /// and one line naming them; in best-effort mode (or when only PrivateDevices=/ProtectClock= implied the device
    /// list) the start goes on and the journal names the downgrade.
    /// </summary>
    private void AccessNotApplied(ExecCommand command, CgroupAccessRules access, List<string> what)
    {
        bool strict = Manager.ExecBuilder.Sandbox.ModeFor(Settings) == Sandbox.SandboxMode.Strict;
        bool implied = !access.Asked;
        if (strict && !implied)
        {
            ManagerLog.UnitError(Manager.Log, Id,
                $"{string.Join(", ", what)} cannot be applied: the start fails (SandboxFallback=best-effort in [X-Summon], or summon daemon --sandbox=best-effort, starts without it).");
            throw new SpawnException(command.Path, Posix.Errno.EOPNOTSUPP, ExitStatusNames.Cgroup);
        }
        ManagerLog.UnitWarning(Manager.Log, Id, (implied ? "device list implied by the sandbox not applied: " : "sandbox downgraded (best-effort): ") + string.Join(", ", what));
    }

    private const int OomRecheckCount = 20;
    private static readonly TimeSpan OomRecheckDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>True when the OOM killer killed a process of the unit since the last look; logs it as systemd does.</summary>
    private bool OomKillSeen()
    {
        if (_cgroup?.OomWatch is not { } oom || oom.NewKills() == 0)
            return false;
        ManagerLog.UnitWarning(Manager.Log, Id, "A process of this unit has been killed by the OOM killer.");
        return true;
    }

    /// <summary>
    /// memory.events (or the v1 notification) changed: OOMPolicy= says what an OOM kill does to the unit. The v1
    /// notification comes as the cgroup runs out of memory, before the killer has counted its kill: with no kill counted
    /// yet the counter is looked at again a few times shortly after.
    /// </summary>
    private void OnOomEvent(int retries = OomRecheckCount)
    {
        if (!OomKillSeen())
        {
            var watch = _cgroup?.OomWatch;
            if (watch is not null && retries > 0)
                Manager.Loop.Schedule(OomRecheckDelay, () =>
                {
                    if (_cgroup?.OomWatch == watch)
                        OnOomEvent(retries - 1);
                });
            return;
        }
        if (Settings.OOMPolicy == OomPolicy.Continue)
            return;
        bool kill = Settings.OOMPolicy == OomPolicy.Kill;
        switch (_state)
        {
            case ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost or ServiceState.Stop:
                EnterSignal(kill ? ServiceState.StopSigkill : ServiceState.StopSigterm, UnitResult.OomKill);
                break;
            case ServiceState.Running or ServiceState.Exited or ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify:
                if (kill)
                    EnterSignal(ServiceState.StopSigkill, UnitResult.OomKill);
                else
                    EnterStop(UnitResult.OomKill);
                break;
            case ServiceState.StopSigterm:
                EnterSignal(ServiceState.StopSigkill, UnitResult.OomKill);
                break;
            case ServiceState.StopPost or ServiceState.FinalSigterm:
                EnterSignal(ServiceState.FinalSigkill, UnitResult.OomKill);
                break;
            case ServiceState.StopSigkill or ServiceState.FinalSigkill:
                RecordResult(UnitResult.OomKill);
                break;
        }
    }

    /// <summary>cgroup.events changed: once nothing is left in it, a signal state moves on (what the main process's
    /// exit alone cannot tell when it forked).</summary>
    private void OnCgroupEvents()
    {
        if (_cgroup is null || _cgroup.Populated())
            return;
        Manager.OnProcessReaped();   // stragglers re-parented to us are zombies now: reap them
        if (_main is null && _control is null)
        {
            OnProcessesGone();
            OnCgroupEmptied();
        }
    }

    /// <summary>
    /// systemd's service_good: a main process alive; else, when there is none to go by (GuessMainPID=no, no single
    /// candidate) or ExitType=cgroup, anything left in the cgroup.
    /// </summary>
    private bool ServiceGood()
    {
        if (_main is not null)
            return true;
        if (_mainKnown && Settings.ExitType == ServiceExitType.Main)
            return false;
        return CgroupGood();
    }

    /// <summary>Anything left of the unit: its cgroup populated; without one, the group of the first ExecStart= process.</summary>
    private bool CgroupGood() => _cgroup is not null ? _cgroup.Populated() : ExecMainPid > 0 && GroupAlive(ExecMainPid);

    /// <summary>The last process of the cgroup is gone: a service that ran on its cgroup alone ends (successfully).</summary>
    private void OnCgroupEmptied()
    {
        switch (_state)
        {
            case ServiceState.Running when !ServiceGood():
                if (Settings.RemainAfterExit)
                {
                    CancelTimer();
                    SetState(ServiceState.Exited);
                }
                else
                    EnterStop(null);
                break;
            case ServiceState.Start when Settings.ExitType == ServiceExitType.Cgroup && !ServiceGood():
                EnterStopPost(null);
                break;
        }
    }

    /// <summary>
    /// Running without a main process: a cgroup says when it empties (OnCgroupEvents); without one, the process group
    /// of the first ExecStart= process stands in, checked once a second (no kernel event says a group has emptied).
    /// </summary>
    private void WatchWhileOnlyCgroup()
    {
        if (_main is not null || _cgroup is not null || _state != ServiceState.Running)
            return;
        Manager.Loop.Schedule(TimeSpan.FromSeconds(1), () =>
        {
            if (_state != ServiceState.Running || _main is not null || _cgroup is not null)
                return;
            Manager.OnProcessReaped();
            if (CgroupGood())
                WatchWhileOnlyCgroup();
            else
                OnCgroupEmptied();
        });
    }

    /// <summary>GuessMainPID=: the only process of the cgroup that is our child; none when there are several or none.</summary>
    private IChildProcess? GuessFromCgroup()
    {
        int found = 0;
        foreach (int pid in _cgroup!.Pids())
        {
            if (pid == ControlPid || ProcessTable.ParentOf(pid) != Environment.ProcessId)
                continue;
            if (found != 0)
                return null;   // ambiguous, as systemd's unit_search_main_pid
            found = pid;
        }
        return found == 0 ? null : Manager.Launcher.Adopt(found);
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
        if (_oomToken != 0)
            Manager.Loop.Unregister(_oomToken);
        _oomToken = 0;
        _cgroup.Dispose();
        _cgroup = null;
    }
}
