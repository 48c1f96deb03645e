using Summon.Manager.Bus;

namespace Summon.Manager;

/// <summary>
/// Type=dbus: the service has started once its BusName= has an owner on the bus, and stops when it loses it, as
/// systemd's. Without a reachable bus the start fails at once with one line that says what to do, rather than
/// waiting for a name that can never appear.
/// </summary>
internal sealed partial class ServiceUnit
{
    /// <summary>Starts watching BusName=; false (the start has failed) when no bus is there.</summary>
    private bool WatchBusName()
    {
        StopWatchingBusName();
        var bus = BusAddress.For(Manager.UserMode, Environment.GetEnvironmentVariable);
        if (!BusAddress.Reachable(bus))
        {
            ManagerLog.UnitError(Manager.Log, Id,
                $"Type=dbus needs a D-Bus bus to see BusName={Settings.BusName} appear, and there is none at {(bus.SocketPath is { Length: > 0 } p ? p : bus.Address)}. "
                + "Start a bus first, or use Type=notify or Type=simple.");
            EnterSignal(ServiceState.StopSigterm, Control.UnitResult.Resources);
            return false;
        }
        _busWatch = BusNameWatch.Start(bus.Address, Settings.BusName!, Manager.Loop.Post, OnBusNameOwnerChanged, OnBusWatchFailed);
        return true;
    }

    private void StopWatchingBusName()
    {
        _busWatch?.Dispose();
        _busWatch = null;
    }

    private void OnBusNameOwnerChanged(bool owned)
    {
        if (_busWatch is null)
            return;
        if (owned && _state == ServiceState.Start)
            EnterStartPost();
        else if (!owned && _state == ServiceState.Running)
            EnterStop(null);   // service_enter_running(): a dbus service without its name is not running
    }

    private void OnBusWatchFailed(string reason)
    {
        if (_busWatch is null || _state != ServiceState.Start)
            return;
        ManagerLog.UnitError(Manager.Log, Id, $"Failed to watch bus name {Settings.BusName}: {reason}");
        EnterSignal(ServiceState.StopSigterm, Control.UnitResult.Resources);
    }
}
