using System.Globalization;
using Summon.Control;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>sd_notify(3) messages for a service, and its watchdog.</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>True when <paramref name="pid"/> is one of this service's processes (main, control, or their group).</summary>
    internal bool Owns(int pid)
    {
        if (pid == MainPid || pid == ControlPid)
            return true;
        if (ExecMainPid <= 0 && ControlPid <= 0)
            return false;
        int group = Manager.Launcher.GroupOf(pid);
        return (ExecMainPid > 0 && group == ExecMainPid) || (ControlPid > 0 && group == ControlPid);
    }

    /// <summary>Handles one datagram attributed to this service (NotifyAccess= is checked here).</summary>
    internal void OnNotify(NotifyMessage message)
    {
        var access = Settings.EffectiveNotifyAccess;
        bool allowed = access switch
        {
            NotifyAccess.Main => message.Pid == MainPid,
            NotifyAccess.Exec => message.Pid == MainPid || message.Pid == ControlPid,
            NotifyAccess.All => true,
            _ => false,
        };
        if (!allowed)
        {
            ManagerLog.NotifyWarning(Manager.Log, Id, access == NotifyAccess.None
                ? $"Got notification message from PID {message.Pid}, but reception is disabled."
                : $"Got notification message from PID {message.Pid}, but reception only permitted for main PID {MainPid}");
            foreach (var fd in message.Fds)
                fd.Dispose();
            return;
        }
        Apply(ServiceNotification.Parse(message.Text), message);
    }

    private void Apply(ServiceNotification n, NotifyMessage message)
    {
        foreach (var update in n.Updates)
            Apply(update, message);

        if (n.FdStoreRemove && n.FdName is { } removed)
            _fdStore.Remove(removed);
        if (n.FdStore)
            StoreFds(message.Fds, n.FdName ?? "stored");
        else
            foreach (var fd in message.Fds)
                fd.Dispose();

        if (n.Ready && _state == ServiceState.Start && Settings.IsNotify)
            EnterStartPost();
        else if (n.Ready)
            OnNotifyReadyWhileReloading();
        if (n.Reloading)
            OnNotifyReloading();
        if (n.Stopping && (_state == ServiceState.Running || _state.IsReloading()))
        {
            // The service stops on its own: wait for it, without a signal, within TimeoutStopSec=.
            SetState(ServiceState.StopSigterm);
            ArmTimer(Settings.TimeoutStopSec ?? DefaultTimeout);
        }
    }

    private void Apply(NotifyUpdate update, NotifyMessage message)
    {
        switch (update.Field)
        {
            case NotifyField.Status:
                StatusText = update.Text!.Length == 0 ? null : update.Text;
                break;
            case NotifyField.Errno:
                StatusErrno = update.Number;
                break;
            case NotifyField.MainPid:
                ChangeMainPid(update.Number, message);
                break;
            case NotifyField.ExtendTimeout when _timeoutApplies && (_state.IsStarting() || _state.IsStopping() || _state == ServiceState.Running):
                ArmTimer(update.Span);
                break;
            case NotifyField.WatchdogPing:
                ArmWatchdog();
                break;
            case NotifyField.WatchdogTrigger:
                OnWatchdogTimeout();
                break;
            case NotifyField.WatchdogInterval:
                _watchdogOverride = update.Span;
                ArmWatchdog();
                break;
        }
    }

    /// <summary>FDSTORE=1: keeps the fds (up to FileDescriptorStoreMax=) to hand them back on the next start.</summary>
    private void StoreFds(IReadOnlyList<Interop.SafeFdHandle> fds, string name)
    {
        int refused = _fdStore.Add(fds, name, Settings.FileDescriptorStoreMax);
        for (int i = 0; i < refused; i++)
            ManagerLog.NotifyWarning(Manager.Log, Id, $"Too many stored file descriptors, refusing to store more (max {Settings.FileDescriptorStoreMax}).");
    }

    private void ChangeMainPid(int pid, NotifyMessage message)
    {
        if (pid == MainPid)
            return;
        if (message.Uid != 0 && !Owns(pid))
        {
            ManagerLog.NotifyWarning(Manager.Log, Id, $"New main PID {pid} does not belong to service, and PID file is not owned by root. Refusing.");
            return;
        }
        if (Manager.Launcher.Adopt(pid) is not { } adopted)
            return;
        if (_main is not null)
        {
            Manager.Loop.Unregister(_mainToken);
            ForgetMainExec();
            _main.Dispose();
        }
        AdoptMain(adopted);
    }

    private void ArmWatchdog()
    {
        _watchdogTimer?.Dispose();
        _watchdogTimer = null;
        var limit = _watchdogOverride ?? Settings.WatchdogSec;
        if (limit is { } l && l > TimeSpan.Zero && l != TimeSpan.MaxValue
            && (_state is ServiceState.Running or ServiceState.Start or ServiceState.StartPost || _state.IsReloading()))
            _watchdogTimer = Manager.Loop.Schedule(l, OnWatchdogTimeout);
    }

    private void CancelWatchdog()
    {
        _watchdogTimer?.Dispose();
        _watchdogTimer = null;
        _watchdogOverride = null;
    }

    private void OnWatchdogTimeout()
    {
        _watchdogTimer = null;
        WatchdogExpiredAt = Manager.Now;
        var limit = _watchdogOverride ?? Settings.WatchdogSec ?? TimeSpan.Zero;
        ManagerLog.WatchdogTimeout(Manager.Log, Id, FormatSpan(limit));
        _main?.Signal(Signals.SIGABRT);
        EnterSignal(ServiceState.StopSigterm, UnitResult.Watchdog);
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalSeconds >= 1 ? span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
