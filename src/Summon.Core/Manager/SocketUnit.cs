using Summon.Control;
using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A .socket unit at run time: its listening fds, the dead → listening → (running) → dead/failed state machine,
/// and the triggering of its service — one instance per connection (Accept=yes) or the one service that gets the
/// listening fds (Accept=no).
/// </summary>
internal sealed partial class SocketUnit : UnitRuntime
{
    /// <summary>How soon a socket paused at the spawn depth looks again: about the time a child takes to reach execve on
    /// an idle machine, so a pause under saturation costs one such wait at most (bench/run-accept.sh).</summary>
    private static readonly TimeSpan SpawnDepthRetry = TimeSpan.FromMilliseconds(1);

    private readonly List<Listener> _listeners = [];
    private readonly Dictionary<string, uint> _perSource = new(StringComparer.Ordinal);
    private SocketState _state = SocketState.Dead;
    private RateLimit? _triggerLimit;
    private readonly ResourceBackoff _backoff = new();
    private IDisposable? _resume;
    private AcceptedConnection? _waiting;
    private IDisposable? _waitingTimer;
    private bool _limitGraceSpent;

    internal SocketUnit(UnitManager manager, LoadedUnit definition) : base(manager, definition)
    {
    }

    /// <summary>
    /// How long a connection arriving at MaxConnections= waits for a slot before it is refused: a client whose
    /// instance just closed its connection may connect again before that instance's process has finished exiting.
    /// </summary>
    internal static readonly TimeSpan LimitGrace = TimeSpan.FromMilliseconds(100);

    public SocketSection Settings => Definition.Socket!;

    public SocketState State => _state;

    public override UnitActiveState ActiveState => _state.ToActiveState();

    public override string SubState => _state.Name();

    /// <summary>Connections accepted since the manager started (Accept=yes); also the next instance number.</summary>
    public uint NAccepted { get; private set; }

    /// <summary>Live Accept=yes instances.</summary>
    public uint NConnections { get; internal set; }

    /// <summary>Connections dropped by MaxConnections=.</summary>
    public uint NRefused { get; private set; }

    /// <summary>Connections turned away and polls paused, by reason (the metrics page's refusals).</summary>
    internal SocketRefusals Refusals;

    /// <summary>Accept=yes: the live instances; Accept=no: the service (when known).</summary>
    internal List<ServiceUnit> Instances { get; } = [];

    internal IReadOnlyList<Listener> Listeners => _listeners;

    public override bool CanCollect => false;

    /// <summary>Name of the service this socket activates (Accept=no), or the template (Accept=yes).</summary>
    public UnitName TriggeredName
    {
        get
        {
            if (Settings.Accept)
                return UnitName.Parse(Definition.Name.Prefix + "@.service");
            return Settings.Service is { } explicitName ? UnitName.Parse(explicitName) : Definition.Name.WithType(UnitType.Service);
        }
    }

    public override bool Start()
    {
        if (_state is SocketState.Listening or SocketState.Running or SocketState.StartPre or SocketState.StartPost)
            return true;
        if (_state.IsStopping())
        {
            _startAfterStop = true;   // systemd's socket_start answers -EAGAIN: the job waits for the stop
            return true;
        }
        if (CheckStartConditions() is var check and not Conditions.StartCheck.Pass)
            return check == Conditions.StartCheck.Skip;   // issue 13: nothing is bound, the unit stays as it was
        // As systemd's socket_start: an Accept=no socket does not listen for a service that cannot start (not
        // found, masked, or refused at load, e.g. no ExecStart=); the unit stays as it was and the job fails.
        if (!Settings.Accept && Manager.LoadDefinition(TriggeredName) is { LoadState: not LoadState.Loaded } service)
        {
            ManagerLog.UnitError(Manager.Log, Id, $"Socket service {service.Name} not loaded, refusing.");
            ManagerLog.FailedToListenOn(Manager.Log, Id, ManagerLog.Suffix(this));
            return false;
        }
        EnterStartPre();
        return _state != SocketState.Failed;
    }

    /// <summary>After ExecStartPre=: binds every Listen*= (a failure stops the socket with result resources), then ExecStartPost=.</summary>
    private void Bind()
    {
        foreach (var spec in Settings.Listen)
        {
            if (spec.Address is null && spec.Type != ListenType.Fifo)
            {
                ManagerLog.UnitWarning(Manager.Log, Id, $"{spec.SettingName}={spec.Value} is not supported by Summon yet, ignoring.");
                continue;
            }
            try
            {
                _listeners.Add(OpenListener(spec));
            }
            catch (Processes.SpawnException e)
            {
                // SocketUser=/SocketGroup= name no user or group.
                ManagerLog.UnitError(Manager.Log, Id, $"Failed to resolve {(e.ExitStatus == Processes.ExitStatusNames.Group ? "group" : "user")} for SocketUser=/SocketGroup=: {e.Reason}");
                EnterStopPre(UnitResult.Resources);
                return;
            }
            catch (ErrnoException e)
            {
                ManagerLog.FailedToCreateListeningSocket(Manager.Log, Id, spec.Value, e.Reason);
                ManagerLog.FailedToListenOnSockets(Manager.Log, Id, e.Reason);
                EnterStopPre(UnitResult.Resources);
                return;
            }
        }

        if (SocketAddressFilter.Attach(_listeners.Select(l => l.Socket), Settings) is { } notApplied)
        {
            if (Manager.ExecBuilder.Sandbox.Mode == Sandbox.SandboxMode.Strict)
            {
                ManagerLog.UnitError(Manager.Log, Id, $"{notApplied} cannot be applied: the socket fails (summon daemon --sandbox=best-effort starts it without).");
                EnterStopPre(UnitResult.Resources);
                return;
            }
            ManagerLog.UnitWarning(Manager.Log, Id, "sandbox downgraded (best-effort): " + notApplied);
        }

        if (Settings.Symlinks.Count > 0)
        {
            var nodes = _listeners.Where(l => l.Socket.Address.Family == ListenFamily.Unix).ToList();
            if (nodes.Count == 1)
                foreach (var failure in nodes[0].Socket.CreateSymlinks(Settings.Symlinks))
                    ManagerLog.UnitWarning(Manager.Log, Id, failure);
        }
        _triggerLimit = new RateLimit(Manager.Loop.Time, Settings.TriggerLimitInterval, Settings.EffectiveTriggerLimitBurst);
        if (IdleStopRefusal() is { } refusal)
            ManagerLog.UnitWarning(Manager.Log, Id, refusal);
        EnterStartPost();
    }

    /// <summary>Binds one Listen*= line with the socket's options and owner (a parent's inherited socket when one
    /// matches); throws <see cref="ErrnoException"/>, or <see cref="Processes.SpawnException"/> for an unknown owner.</summary>
    private Listener OpenListener(ListenSpec spec)
    {
        var socket = spec.Type == ListenType.Fifo
            ? ListeningSocket.OpenFifo(spec.Value, OptionsOf(Settings))
            : Manager.Inherited?.Take(Id, spec, SocketTypeOf(spec.Type), Settings.FileDescriptorName ?? Id, Manager.Log)
                ?? ListeningSocket.Open(spec.Address!, SocketTypeOf(spec.Type), OptionsOf(Settings));
        if (Settings.SocketUser is not null || Settings.SocketGroup is not null)
            ChangeOwner(socket);
        foreach (var failure in SocketOptionsOf(Settings).ApplyTo(socket))
            ManagerLog.UnitWarning(Manager.Log, Id, failure);
        return new Listener(socket, spec) { PollLimit = new RateLimit(Manager.Loop.Time, Settings.PollLimitInterval, Settings.EffectivePollLimitBurst) };
    }

    public override void Stop()
    {
        CancelRecovery();
        _bindWhenServiceEnds = false;
        _startAfterStop = false;
        if (_state is SocketState.Dead or SocketState.Failed)
        {
            if (_state == SocketState.Failed)
                CloseListeners();
            return;
        }
        if (_state.IsStopping())
            return;
        _stopRequested = true;
        if (_state is SocketState.StartPre or SocketState.StartPost)
            EnterSignal(SocketState.StopPreSigterm, UnitResult.Success);   // as systemd: a start in progress is killed
        else
            EnterStopPre(UnitResult.Success);
    }

    public override void ResetFailed()
    {
        base.ResetFailed();
        CancelRecovery();
        _triggerLimit?.Reset();
        if (_state == SocketState.Failed)
            SetState(SocketState.Dead);
    }

    /// <summary>Called by a triggered service when it ends (Accept=yes: one connection closed; Accept=no: service stopped).</summary>
    internal void OnServiceFinished(ServiceUnit service, bool startLimitHit)
    {
        if (Settings.Accept)
        {
            if (Instances.Remove(service) && NConnections > 0)
                NConnections--;
            _limitGraceSpent = false;
            if (service.ConnectionSource is { } source && _perSource.TryGetValue(source, out uint n))
            {
                if (n <= 1)
                    _perSource.Remove(source);
                else
                    _perSource[source] = n - 1;
            }
            if (_waiting is not null)
                ReleaseWaiting();
            return;
        }
        if (BindAfterSurvivor())
            return;
        if (startLimitHit && _state is SocketState.Running or SocketState.Listening)
        {
            Fail(UnitResult.ServiceStartLimitHit);
            ScheduleRecovery(service.Settings.StartLimitRecoverSec, UnitResult.ServiceStartLimitHit, service);
            return;
        }
        if (_state == SocketState.Running)
            EnterListening();   // pending connections re-trigger immediately: epoll reports them at once
    }

    private void ChangeOwner(ListeningSocket socket, bool dispose = true)
    {
        try
        {
            var owner = Processes.ExecCredentials.Resolve(Settings.SocketUser, Settings.SocketGroup, null, "");
            socket.ChangeOwner(owner.Uid ?? uint.MaxValue, owner.Gid ?? uint.MaxValue);
        }
        catch when (dispose)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Accept=no: our fds went to a starting service; stop polling until it is gone (systemd's "running").</summary>
    internal void OnServiceStarted(ServiceUnit service)
    {
        if (Settings.Accept)
            return;
        if (_state == SocketState.Listening)
        {
            StopPolling();
            SetState(SocketState.Running);
        }
        if (_state == SocketState.Running)
            WatchIdle(service);
    }

    /// <summary>Counts one activation; on the TriggerLimit= the socket fails (until reset-failed/restart, or its TriggerLimitRecoverSec=).</summary>
    private bool TriggerAllowed()
    {
        if (_triggerLimit is null || _triggerLimit.Allow())
            return true;
        ManagerLog.TriggerLimitHit(Manager.Log, Id);
        Fail(UnitResult.TriggerLimitHit);
        ScheduleRecovery(Settings.TriggerLimitRecoverSec, UnitResult.TriggerLimitHit);
        return false;
    }

    private void EnterListening()
    {
        Poll();
        SetState(SocketState.Listening);
    }

    /// <summary>Watches every listener again, unless a pause for resources is running (its end does it).</summary>
    private void Poll()
    {
        if (_resume is not null || _waiting is not null)
            return;
        foreach (var listener in _listeners)
            if (listener.Token == 0)
                listener.Token = Manager.Loop.Register(listener.Socket.Handle, Libc.EPOLLIN, listener.Readable ??= e => OnReadable(listener, e));
    }

    /// <summary>
    /// The system ran out of what a connection needs (accept or a spawn failed with EMFILE, ENFILE, ENOMEM, ENOBUFS,
    /// EAGAIN): stop polling for a growing while instead of failing the socket or spinning on a readable listener;
    /// waiting connections stay in the backlog.
    /// </summary>
    internal void OnResourcesExhausted(int errno)
    {
        if (_resume is not null || _state is not (SocketState.Listening or SocketState.Running))
            return;
        var delay = _backoff.Fail(out bool episodeBegins);
        if (episodeBegins)
            ManagerLog.ResourcesExhausted(Manager.Log, Id, Errno.Describe(errno));
        StopPolling();
        _resume = Manager.Loop.Schedule(delay, OnResumeDue);
    }

    private void OnResumeDue()
    {
        _resume = null;
        if (_state == SocketState.Listening)
            Poll();
    }

    /// <summary>A connection was accepted and its instance started: a pause for resources, if any, is over.</summary>
    private void OnResourcesAvailable()
    {
        uint failures = _backoff.Succeed();
        if (failures > 0)
            ManagerLog.ResourcesAvailable(Manager.Log, Id, failures);
    }

    private void StopPolling()
    {
        foreach (var listener in _listeners)
        {
            Manager.Loop.Unregister(listener.Token);
            listener.Token = 0;
        }
    }

    private void OnReadable(Listener listener, uint events)
    {
        if (_state != SocketState.Listening)
            return;
        if (!listener.PollLimit!.Allow())
        {
            PauseForPollLimit(listener);
            return;
        }
        if ((events & (Libc.EPOLLERR | Libc.EPOLLHUP)) != 0 && (events & Libc.EPOLLIN) == 0)
        {
            ManagerLog.UnitError(Manager.Log, Id, "Got POLLHUP on a listening socket. The service probably invoked shutdown() on it, and should better not do that.");
            Fail(UnitResult.Resources);
            return;
        }

        if (!Settings.Accept || !listener.Socket.IsStream)
        {
            TriggerService();
            return;
        }

        // Drain a bounded batch per wake-up so one busy socket cannot starve the rest of the loop.
        for (int i = 0; i < 64 && _state == SocketState.Listening; i++)
        {
            if (Manager.Launcher.SpawnDepthReached)
            {
                // The spawn depth: leave the connections in the backlog, in arrival order, until earlier children
                // have execed. Polled on a timer because nothing signals a child's execve to the loop.
                PausePolling(listener, SpawnDepthRetry, listener.DepthRetry ??= () => ResumePolling(listener));
                return;
            }
            // systemd 255+ accepts one connection per dispatch of the fd and the poll limit counts dispatches, so
            // every connection after the first of this wake-up counts as one more.
            if (i > 0 && !listener.PollLimit!.Allow())
            {
                PauseForPollLimit(listener);
                return;
            }
            var connection = AcceptedConnection.TryAccept(listener.Socket.Handle, out int errno);
            if (connection is null)
            {
                if (i > 0)
                    listener.PollLimit!.Refund();   // no connection was there: no dispatch would have happened
                if (ResourceBackoff.IsAcceptExhaustion(errno))
                    OnResourcesExhausted(errno);
                else if (errno != Errno.EAGAIN && !AcceptedConnection.IsTransient(errno))
                    ManagerLog.AcceptFailed(Manager.Log, Id, Errno.Describe(errno));
                return;
            }
            OnConnection(connection);
            if (_waiting is not null)
                return;   // at MaxConnections=, polling again once it is served or refused
            if (_resume is not null)
                return;   // its spawn ran out of resources
            if (_backoff.Failures > 0)
                OnResourcesAvailable();
        }
    }

    /// <summary>
    /// PollLimit (systemd 255+): over the limit, the fd is not polled until the window that began with its first
    /// counted dispatch ends, as sd-event's rate limit does; connections wait in the backlog meanwhile. Unlike the
    /// trigger limit this never fails the socket.
    /// </summary>
    private void PauseForPollLimit(Listener listener)
    {
        Refusals.PollLimit++;
        var pause = listener.PollLimit!.WindowRemaining;
        listener.PausedUntil = Manager.Loop.Time.GetUtcNow() + pause;
        ManagerLog.PollLimitHit(Manager.Log, Id, listener.Spec.Value, Text.SystemdTimestamp.Format(listener.PausedUntil));
        PausePolling(listener, pause, () =>
        {
            listener.PollLimit!.Reset();   // leaving the limit starts a fresh window, as sd-event does
            listener.PausedUntil = null;
            if (_state == SocketState.Listening && _listeners.Contains(listener))
                ManagerLog.PollLimitEnded(Manager.Log, Id, listener.Spec.Value);
            ResumePolling(listener);
        });
    }

    /// <summary>When the last of the listeners paused by PollLimit= is polled again; null when none is paused.</summary>
    public DateTimeOffset? PollLimitPausedUntil =>
        _state == SocketState.Listening ? _listeners.Max(l => l.PausedUntil) : null;

    /// <summary>Stops polling <paramref name="listener"/> and runs <paramref name="resume"/> after <paramref name="pause"/>;
    /// other fds and timers are served meanwhile.</summary>
    private void PausePolling(Listener listener, TimeSpan pause, Action resume)
    {
        Manager.Loop.Unregister(listener.Token);
        listener.Token = 0;
        Manager.Loop.Schedule(pause, resume);
    }

    /// <summary>Polls a paused listener again (epoll reports a non-empty backlog at once). The handler is made once per
    /// listener: a socket at the spawn depth pauses often under load.</summary>
    private void ResumePolling(Listener listener)
    {
        if (_state == SocketState.Listening && listener.Token == 0 && _resume is null && _waiting is null && _listeners.Contains(listener))
            listener.Token = Manager.Loop.Register(listener.Socket.Handle, Libc.EPOLLIN, listener.Readable ??= e => OnReadable(listener, e));
    }

    private void OnConnection(AcceptedConnection connection)
    {
        if (!TriggerAllowed())
        {
            connection.Dispose();
            Refusals.TriggerLimit++;
            return;
        }
        if (NConnections >= Settings.MaxConnections)
            ReapFinishedInstances();
        if (NConnections >= Settings.MaxConnections)
        {
            if (_limitGraceSpent)
                Refuse(connection);
            else
                WaitForSlot(connection);
            return;
        }
        Serve(connection);
    }

    private void Refuse(AcceptedConnection connection)
    {
        ManagerLog.TooManyConnections(Manager.Log, Id, NConnections);
        connection.Dispose();
        NRefused++;
        Refusals.MaxConnections++;
    }

    /// <summary>
    /// Holds a connection that arrived at MaxConnections= and stops polling, until an instance ends (it is served)
    /// or <see cref="LimitGrace"/> passes (it is refused, as are the next ones until an instance ends).
    /// </summary>
    private void WaitForSlot(AcceptedConnection connection)
    {
        _waiting = connection;
        StopPolling();
        _waitingTimer = Manager.Loop.Schedule(LimitGrace, OnLimitGraceEnded);
    }

    private void OnLimitGraceEnded()
    {
        _waitingTimer = null;
        _limitGraceSpent = true;
        ReleaseWaiting();
    }

    private void ReleaseWaiting()
    {
        var connection = _waiting;
        _waiting = null;
        _waitingTimer?.Dispose();
        _waitingTimer = null;
        if (connection is null)
            return;
        if (_state != SocketState.Listening)
            connection.Dispose();
        else if (NConnections >= Settings.MaxConnections)
            Refuse(connection);
        else
            Serve(connection);
        if (_state == SocketState.Listening)
            Poll();
    }

    private void Serve(AcceptedConnection connection)
    {
        uint number = NAccepted;
        var templateName = TriggeredName;
        var template = Manager.LoadDefinition(templateName);
        if (template.LoadState != LoadState.Loaded)
        {
            connection.Dispose();
            string instance = templateName.WithInstance($"{number}-{connection.InstanceSuffix}").Name;
            ManagerLog.FailedToQueueService(Manager.Log, Id, "template", $"Unit {instance} {DescribeLoadFailure(template.LoadState)}.");
            Fail(UnitResult.Resources);
            return;
        }

        string? source = null;
        if (Settings.MaxConnectionsPerSource > 0)
        {
            source = connection.SourceKey;
            uint fromSource = _perSource.GetValueOrDefault(source);
            if (fromSource >= Settings.MaxConnectionsPerSource)
            {
                ReapFinishedInstances();
                fromSource = _perSource.GetValueOrDefault(source);
            }
            if (fromSource >= Settings.MaxConnectionsPerSource)
            {
                ManagerLog.TooManyConnectionsFromSource(Manager.Log, Id, fromSource, source);
                connection.Dispose();
                NRefused++;
                Refusals.PerSource++;
                return;
            }
            _perSource[source] = fromSource + 1;
        }

        NAccepted++;
        var name = templateName.WithInstance(string.Concat(number.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", connection.InstanceSuffix));
        var service = Manager.CreateInstance(name, template, this, connection);
        service.ConnectionSource = source;
        Instances.Add(service);
        NConnections++;
        service.ActivationRequestedAt = Manager.Loop.Time.GetTimestamp();
        service.Start();
    }

    /// <summary>
    /// Finishes the instances whose processes have exited but whose exit the loop has not dispatched yet (their
    /// pidfds may be ready in the same wake-up as this listener, after it), so a limit counts live clients only.
    /// </summary>
    private void ReapFinishedInstances()
    {
        foreach (var instance in Instances.ToArray())
            instance.ReapIfExited();
    }

    private void TriggerService()
    {
        if (!TriggerAllowed())
            return;
        var name = TriggeredName;
        var service = Manager.GetOrLoadService(name);
        if (service is null)
        {
            ManagerLog.FailedToQueueService(Manager.Log, Id, "non-template", $"Unit {name} not found.");
            Fail(UnitResult.Resources);
            return;
        }
        StopPolling();
        SetState(SocketState.Running);
        if (service.ActiveState is UnitActiveState.Active or UnitActiveState.Activating)
            return;
        service.TriggeringSocket = this;
        service.ActivationRequestedAt = Manager.Loop.Time.GetTimestamp();
        if (!service.Start() && _state == SocketState.Running)
            EnterListening();
    }

    private static string DescribeLoadFailure(LoadState state) => state switch
    {
        LoadState.Masked => "is masked",
        LoadState.NotFound => "not found",
        _ => "failed to load properly",
    };

    /// <summary>The listening fds in configuration order, for an Accept=no service.</summary>
    internal IEnumerable<(SafeFdHandle Fd, string Name)> PassedFds()
    {
        string name = Settings.FileDescriptorName ?? Id;
        foreach (var listener in _listeners)
            yield return (listener.Socket.Handle, name);
    }

    /// <summary>A failure while listening or running: the socket stops (ExecStopPre/Post= run) and ends failed.</summary>
    private void Fail(string result) => EnterStopPre(result);

    /// <summary>Stops listening: no polling, no pause or waiting connection; the fds stay open (retiring ones close).</summary>
    private void Quiesce()
    {
        CloseRetiring();
        _resume?.Dispose();
        _resume = null;
        _waitingTimer?.Dispose();
        _waitingTimer = null;
        _waiting?.Dispose();
        _waiting = null;
        StopPolling();
    }

    private void CloseListeners()
    {
        Quiesce();
        foreach (var listener in _listeners)
        {
            if (Settings.RemoveOnStop)
                listener.Socket.RemoveNode(Settings.Symlinks);
            listener.Socket.Dispose();
        }
        _listeners.Clear();
    }

    private void SetState(SocketState state)
    {
        if (state != SocketState.Running)
            StopWatchingIdle();
        var from = ActiveState;
        _state = state;
        OnStateChanged(from, ActiveState);
    }

    private static SocketKind SocketTypeOf(ListenType type) => type switch
    {
        ListenType.Datagram => SocketKind.Datagram,
        ListenType.SequentialPacket => SocketKind.SequentialPacket,
        _ => SocketKind.Stream,
    };

    internal static ListenOptions OptionsOf(SocketSection s) => new()
    {
        Backlog = (int)Math.Min(s.Backlog, int.MaxValue),
        Ipv6Only = s.BindIPv6Only switch { BindIPv6Only.Both => false, BindIPv6Only.Ipv6Only => true, _ => null },
        ReusePort = s.ReusePort,
        FreeBind = s.FreeBind,
        SocketMode = s.SocketMode,
        DirectoryMode = s.DirectoryMode,
    };

    internal static SocketOptions SocketOptionsOf(SocketSection s) => new()
    {
        NoDelay = s.NoDelay,
        KeepAlive = s.KeepAlive,
        KeepAliveTime = s.KeepAliveTime,
        KeepAliveInterval = s.KeepAliveInterval,
        KeepAliveProbes = s.KeepAliveProbes,
        DeferAccept = s.DeferAccept,
        Priority = s.Priority,
        ReceiveBuffer = s.ReceiveBuffer,
        SendBuffer = s.SendBuffer,
        Mark = s.Mark,
        IpTtl = s.IPTTL,
        PassCredentials = s.PassCredentials,
        PassPacketInfo = s.PassPacketInfo,
        Broadcast = s.Broadcast,
        Transparent = s.Transparent,
    };

    internal sealed class Listener(ListeningSocket socket, ListenSpec spec)
    {
        public ListeningSocket Socket { get; } = socket;

        public ListenSpec Spec { get; } = spec;

        public ulong Token { get; set; }

        public RateLimit? PollLimit { get; set; }

        /// <summary>Set while PollLimit= pauses this listener: when it is polled again.</summary>
        public DateTimeOffset? PausedUntil { get; set; }

        /// <summary>The loop handler of this listener and its spawn-depth retry, made once.</summary>
        public Action<uint>? Readable { get; set; }

        public Action? DepthRetry { get; set; }
    }
}
