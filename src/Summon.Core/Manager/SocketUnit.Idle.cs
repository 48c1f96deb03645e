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

    // Which watch a look belongs to (a new service or the end of the watch makes the answers of older looks stale),
    // and whether a look is on its way: one at a time per socket.
    private ulong _idleWatch;
    private bool _looking;

    /// <summary>The Accept=no service this socket's fds went to, while it runs.</summary>
    internal ServiceUnit? WatchedService => _service;

    /// <summary>Services stopped for idleness since the manager started.</summary>
    public uint NIdleStops { get; private set; }

    /// <summary>When the service was last seen with a connection or a waiting one; null when not watching or busy.</summary>
    public DateTimeOffset? IdleSince => IdleWatching ? _idle?.IdleSince : null;

    public DateTimeOffset? IdleStopsAt => IdleWatching ? _idle?.StopsAt : null;

    /// <summary>A check is due or a look is on its way.</summary>
    private bool IdleWatching => _idleCheck is not null || _looking;

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
        _idleWatch++;
        if (!IdleStopApplies)
            return;
        _idle ??= new IdleWatch(Manager.Loop.Time, Settings.IdleStop!.Value);
        _idle.Reset();
        ScheduleIdleCheck();
    }

    private void StopWatchingIdle()
    {
        _idleWatch++;
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
        if (service.State != ServiceState.Running)
        {
            _idle!.Observe(busy: true);
            ScheduleIdleCheck();
            return;
        }
        Look(service, OnIdleAnswer, onDropped: null);
    }

    private void OnIdleAnswer(ServiceUnit service, bool busy)
    {
        if (!_idle!.Observe(busy || service.State != ServiceState.Running))
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
        Look(service, OnFrozenAnswer, onDropped: service.Thaw);
    }

    private void OnFrozenAnswer(ServiceUnit service, bool busy)
    {
        if (service.State != ServiceState.Running)
        {
            service.Thaw();
            return;
        }
        if (busy)
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

    /// <summary>
    /// Counts the listeners' connections off the loop (<see cref="ConnectionLook"/>); <paramref name="then"/> runs with
    /// the answer while this watch of <paramref name="service"/> goes on, <paramref name="onDropped"/> when it ended
    /// meanwhile (the socket stopped or reloaded, another service came) or when an older look is still on its way
    /// (then the check comes again later: one look at a time).
    /// </summary>
    private void Look(ServiceUnit service, Action<ServiceUnit, bool> then, Action? onDropped)
    {
        if (_looking)
        {
            onDropped?.Invoke();
            ScheduleIdleCheck();
            return;
        }
        _looking = true;
        ulong watch = _idleWatch;
        var sockets = new ListeningSocket[_listeners.Count];
        for (int i = 0; i < sockets.Length; i++)
            sockets[i] = _listeners[i].Socket;
        Manager.ConnectionLook.Start(sockets, busy =>
        {
            _looking = false;
            if (watch != _idleWatch || _state != SocketState.Running || service != _service || !IdleStopApplies)
                onDropped?.Invoke();
            else
                then(service, busy);
        });
    }
}
