using Summon.Control;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// `reload`: ExecReload= as a control process, and for Type=notify-reload (systemd 253) ReloadSignal= to the main
/// process, then RELOADING=1 and READY=1 from it. The job is done when the service is running again, with the
/// reload's result, as systemctl's reload job.
/// </summary>
internal sealed partial class ServiceUnit
{
    /// <summary>Starts a reload; null when it runs (<see cref="WaitForReload"/> tells its end), else why not.</summary>
    public JobFailure? Reload()
    {
        if (_state != ServiceState.Running)
            return JobFailure.Canceled;
        bool signalled = Settings.Type == ServiceType.NotifyReload && _main is not null;
        if (Settings.ExecReload.Count == 0 && !signalled)
            return JobFailure.NotApplicable;
        _reloadResult = UnitResult.Success;
        ManagerLog.ReloadingUnit(Manager.Log, Id, ManagerLog.Suffix(this));
        if (signalled && !_main!.Signal(Settings.ReloadSignal))
            signalled = false;
        if (Settings.ExecReload.Count > 0)
        {
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
            RunControl(Settings.ExecReload, ServiceState.Reload);
        }
        else if (signalled)
        {
            SetState(ServiceState.ReloadSignal);
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        }
        else
        {
            _reloadResult = UnitResult.Resources;   // the main process was gone before the signal reached it
            ReturnToRunning();
        }
        return null;
    }

    /// <summary>Completes when the reload started by <see cref="Reload"/> is over: Ok, or the failed reload's result.</summary>
    internal Task<JobResult> WaitForReload()
    {
        if (!_state.IsReloading())
            return Task.FromResult(_reloadResult == UnitResult.Success ? JobResult.Ok : JobResult.Failed(Id, JobFailure.UnitFailed, _reloadResult));
        var tcs = new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_reloadWaiters ??= []).Add(tcs);
        return tcs.Task;
    }

    /// <summary>ExecReload= is done: a notify-reload service that last said RELOADING=1 is still awaited.</summary>
    private void OnReloadCommandsDone()
    {
        if (Settings.Type == ServiceType.NotifyReload && _notifyReloading)
        {
            SetState(ServiceState.ReloadNotify);
            return;
        }
        FinishReload();
    }

    /// <summary>RELOADING=1 from the service: a reload it began itself, or the answer to our signal.</summary>
    private void OnNotifyReloading()
    {
        _notifyReloading = true;
        if (_state == ServiceState.Running)
            SetState(Settings.Type == ServiceType.NotifyReload ? ServiceState.ReloadNotify : ServiceState.Reload);
        else if (_state == ServiceState.ReloadSignal)
            SetState(ServiceState.ReloadNotify);
    }

    /// <summary>READY=1 while reloading ends a reload the service announced.</summary>
    private void OnNotifyReadyWhileReloading()
    {
        _notifyReloading = false;
        if (_state == ServiceState.ReloadNotify || (_state == ServiceState.Reload && _control is null))
            FinishReload();
    }

    private void FinishReload()
    {
        ReturnToRunning();
        if (_reloadResult == UnitResult.Success)
            ManagerLog.Reloaded(Manager.Log, Id, ManagerLog.Suffix(this));
    }

    /// <summary>TimeoutStartSec= passed while reloading: the reload fails, the service keeps running.</summary>
    private void OnReloadTimeout()
    {
        ManagerLog.UnitWarning(Manager.Log, Id, "Reload operation timed out. Killing reload process.");
        _control?.Signal(Posix.Signals.SIGKILL);
        _controlCommands = null;
        _reloadResult = UnitResult.Timeout;
        ReturnToRunning();
    }

    /// <summary>Back to running after a reload, under what is left of RuntimeMaxSec= (counted from activation).</summary>
    private void ReturnToRunning()
    {
        CancelTimer();
        SetState(ServiceState.Running);
        if (Settings.RuntimeMaxSec is { } max && max > TimeSpan.Zero && ActiveEnterTimestamp is { } since)
        {
            var left = max - (Manager.Now - since);
            ArmTimer(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1));
        }
    }

    /// <summary>Called by <see cref="SetState"/> when a reload state is left, for whatever reason.</summary>
    private void SettleReload()
    {
        var waiters = _reloadWaiters;
        _reloadWaiters = null;
        var result = _reloadResult == UnitResult.Success && _state is ServiceState.Running or ServiceState.Exited
            ? JobResult.Ok
            : JobResult.Failed(Id, JobFailure.UnitFailed, _reloadResult == UnitResult.Success ? Result : _reloadResult);
        foreach (var waiter in waiters ?? [])
            waiter.TrySetResult(result);
    }
}
