using System.Globalization;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>sd_notify(3) messages for a service, and its watchdog.</summary>
public sealed partial class ServiceUnit
{
    private IDisposable? _watchdogTimer;
    private TimeSpan? _watchdogOverride;

    /// <summary>Whether NOTIFY_SOCKET goes into this service's environment.</summary>
    internal bool WantsNotifySocket => Settings.EffectiveNotifyAccess != NotifyAccess.None;

    /// <summary>True when <paramref name="pid"/> is one of this service's processes (main, control, or their group).</summary>
    internal bool Owns(int pid) =>
        pid == MainPid || pid == ControlPid || (ExecMainPid > 0 && ProcessTable.GroupOf(pid) == ExecMainPid) || (ControlPid > 0 && ProcessTable.GroupOf(pid) == ControlPid);

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

        bool ready = false, reloading = false, stopping = false, fdStore = false, fdStoreRemove = false;
        string? fdName = null;
        foreach (var line in message.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0)
                continue;
            string key = line[..eq], value = line[(eq + 1)..];
            switch (key)
            {
                case "READY" when value == "1":
                    ready = true;
                    break;
                case "RELOADING" when value == "1":
                    reloading = true;
                    break;
                case "STOPPING" when value == "1":
                    stopping = true;
                    break;
                case "STATUS":
                    StatusText = value.Length == 0 ? null : value;
                    break;
                case "ERRNO" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int errno):
                    StatusErrno = errno;
                    break;
                case "MAINPID" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0:
                    ChangeMainPid(pid, message);
                    break;
                case "EXTEND_TIMEOUT_USEC" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong usec):
                    if (_timerAction is { } action && (_state.IsStarting() || _state.IsStopping() || _state == ServiceState.Running))
                        ArmTimer(TimeSpan.FromMicroseconds(usec), action);
                    break;
                case "FDSTORE" when value == "1":
                    fdStore = true;
                    break;
                case "FDSTOREREMOVE" when value == "1":
                    fdStoreRemove = true;
                    break;
                case "FDNAME":
                    fdName = value;
                    break;
                case "WATCHDOG" when value == "1":
                    ArmWatchdog();
                    break;
                case "WATCHDOG" when value == "trigger":
                    OnWatchdogTimeout();
                    break;
                case "WATCHDOG_USEC" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong wusec):
                    _watchdogOverride = TimeSpan.FromMicroseconds(wusec);
                    ArmWatchdog();
                    break;
            }
        }
        if (fdStoreRemove && fdName is not null)
            RemoveStoredFds(fdName);
        if (fdStore)
            StoreFds(message.Fds, fdName ?? "stored");
        else
            foreach (var fd in message.Fds)
                fd.Dispose();

        if (ready && _state == ServiceState.Start && Settings.Type == ServiceType.Notify)
            EnterStartPost();
        else if (ready && _state == ServiceState.Reload && _control is null)
            SetState(ServiceState.Running);
        if (reloading && _state == ServiceState.Running)
            SetState(ServiceState.Reload);
        if (stopping && _state is ServiceState.Running or ServiceState.Reload)
        {
            // The service stops on its own: wait for it, without a signal, within TimeoutStopSec=.
            SetState(ServiceState.StopSigterm);
            ArmTimer(Settings.TimeoutStopSec ?? DefaultTimeout, () => OnSignalTimeout(ServiceState.StopSigterm));
        }
    }

    /// <summary>FDSTORE=1: keeps the fds (up to FileDescriptorStoreMax=) to hand them back on the next start.</summary>
    private void StoreFds(IReadOnlyList<SafeFdHandle> fds, string name)
    {
        foreach (var fd in fds)
        {
            if (_fdStore.Count >= Settings.FileDescriptorStoreMax)
            {
                ManagerLog.NotifyWarning(Manager.Log, Id, $"Too many stored file descriptors, refusing to store more (max {Settings.FileDescriptorStoreMax}).");
                fd.Dispose();
                continue;
            }
            _fdStore.Add((fd, name));
        }
    }

    private void RemoveStoredFds(string name)
    {
        foreach (var (fd, _) in _fdStore.Where(e => e.Name == name))
            fd.Dispose();
        _fdStore.RemoveAll(e => e.Name == name);
    }

    /// <summary>Releases the fd store when the service is gone for good (not across automatic restarts).</summary>
    private void ReleaseFdStore()
    {
        foreach (var (fd, _) in _fdStore)
            fd.Dispose();
        _fdStore.Clear();
    }

    private readonly List<(SafeFdHandle Fd, string Name)> _fdStore = [];

    internal IReadOnlyList<(SafeFdHandle Fd, string Name)> FdStore => _fdStore;

    private void ChangeMainPid(int pid, NotifyMessage message)
    {
        if (pid == MainPid)
            return;
        if (message.Uid != 0 && !Owns(pid))
        {
            ManagerLog.NotifyWarning(Manager.Log, Id, $"New main PID {pid} does not belong to service, and PID file is not owned by root. Refusing.");
            return;
        }
        if (SpawnedProcess.Adopt(pid) is not { } adopted)
            return;
        if (_main is not null)
        {
            Manager.Loop.Unregister(_mainToken);
            _main.Dispose();
        }
        AdoptMain(adopted);
    }

    private void ArmWatchdog()
    {
        _watchdogTimer?.Dispose();
        _watchdogTimer = null;
        var limit = _watchdogOverride ?? Settings.WatchdogSec;
        if (limit is { } l && l > TimeSpan.Zero && _state is ServiceState.Running or ServiceState.Reload or ServiceState.Start or ServiceState.StartPost)
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
        var limit = _watchdogOverride ?? Settings.WatchdogSec ?? TimeSpan.Zero;
        ManagerLog.WatchdogTimeout(Manager.Log, Id, FormatSpan(limit));
        _main?.Signal(Signals.SIGABRT);
        EnterSignal(ServiceState.StopSigterm, UnitResult.Watchdog);
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalSeconds >= 1 ? span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
