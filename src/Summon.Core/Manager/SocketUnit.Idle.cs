using Summon.Sockets;

namespace Summon.Manager;

/// <summary>
/// [X-Summon] IdleStopSec= (docs/extensions.md): while the Accept=no service runs, the socket looks every
/// <see cref="IdleWatch.CheckInterval"/> for established connections on its listeners and for a waiting connection;
/// after IdleStopSec= of nothing it freezes the service, looks once more, and stops it (or thaws it, if a connection
/// came). The listeners stay open in the manager throughout, so what arrives meanwhile waits in the kernel's queue
/// and starts the next instance (docs/architecture.md, "Idle stop").
/// </summary>
internal sealed partial class SocketUnit
{
    /// <summary>How long a frozen service is given to stop before the last look: SIGSTOP takes effect when the
    /// service's threads next leave the kernel, which is at once unless the machine is starved.</summary>
    private static readonly TimeSpan FreezeSettle = TimeSpan.FromMilliseconds(5);

    private IdleWatch? _idle;
    private IDisposable? _idleCheck;
    private ServiceUnit? _service;

    /// <summary>The Accept=no service this socket's fds went to, while it runs.</summary>
    internal ServiceUnit? WatchedService => _service;

    /// <summary>Services stopped for idleness since the manager started.</summary>
    public uint NIdleStops { get; private set; }

    /// <summary>When the service was last seen with a connection or a waiting one; null when not watching or busy.</summary>
    public DateTimeOffset? IdleSince => _idleCheck is null ? null : _idle?.IdleSince;

    public DateTimeOffset? IdleStopsAt => _idleCheck is null ? null : _idle?.StopsAt;

    /// <summary>Why IdleStopSec= does not apply to this socket; null when it does (or is not set).</summary>
    internal string? IdleStopRefusal()
    {
        if (Settings.IdleStop is null)
            return null;
        if (Settings.Accept)
            return "IdleStopSec= applies to Accept=no sockets only (an Accept=yes instance ends with its connection), ignoring.";
        if (Settings.Listen.Any(l => l.Type is not (Units.ListenType.Stream or Units.ListenType.SequentialPacket)))
            return "IdleStopSec= needs connection listeners only (ListenStream=, ListenSequentialPacket=): the manager cannot see the traffic a service reads from a datagram socket or FIFO; let the service exit with STOPPING=1 when idle. Ignoring.";
        return null;
    }

    private bool IdleStopApplies => Settings.IdleStop is not null && IdleStopRefusal() is null;

    private void WatchIdle(ServiceUnit service)
    {
        _service = service;
        if (!IdleStopApplies)
            return;
        _idle ??= new IdleWatch(Manager.Loop.Time, Settings.IdleStop!.Value);
        _idle.Reset();
        ScheduleIdleCheck();
    }

    private void StopWatchingIdle()
    {
        _idleCheck?.Dispose();
        _idleCheck = null;
        _idle?.Reset();
        _service = null;
    }

    private void ScheduleIdleCheck() => _idleCheck = Manager.Loop.Schedule(_idle!.CheckInterval, OnIdleCheck);

    private void OnIdleCheck()
    {
        _idleCheck = null;
        if (_state != SocketState.Running || _service is not { } service)
            return;
        // A service that is starting, reloading or stopping is not idle: only a running one is counted.
        bool busy = service.State != ServiceState.Running || HasConnections();
        if (!_idle!.Observe(busy))
        {
            ScheduleIdleCheck();
            return;
        }
        service.Freeze();
        _idleCheck = Manager.Loop.Schedule(FreezeSettle, () => OnFrozen(service));
    }

    /// <summary>The last look, with the service unable to accept: anything it holds or could take is counted now.</summary>
    private void OnFrozen(ServiceUnit service)
    {
        _idleCheck = null;
        if (_state != SocketState.Running || service != _service || service.State != ServiceState.Running)
        {
            service.Thaw();
            return;
        }
        if (HasConnections())
        {
            service.Thaw();
            _idle!.Reset();
            ScheduleIdleCheck();
            return;
        }
        NIdleStops++;
        ManagerLog.IdleStop(Manager.Log, Id, service.Id, Units.TimeSpans.Format((ulong)(_idle!.IdleStop.Ticks / TimeSpan.TicksPerMicrosecond)));
        service.StopWhenIdle(Settings.IdleStopSignal);
    }

    /// <summary>True when any listener has an established connection or one waiting; a count the kernel would not give
    /// counts as busy, so a failure never stops a service.</summary>
    private bool HasConnections()
    {
        foreach (var listener in _listeners)
        {
            if (ListenerConnections.HasWaiting(listener.Socket))
                return true;
            if (ListenerConnections.Established(listener.Socket) is not 0)
                return true;
        }
        return false;
    }
}
