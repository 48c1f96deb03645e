using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// daemon-reload of a socket that holds listeners (<see cref="SocketReloadPlan"/>): a listener whose Listen*= line is
/// unchanged keeps its fd; new lines are bound before the lines gone are closed, so some address always accepts; an
/// Accept=yes listener whose line is gone goes on accepting for <see cref="RetireAfter"/> beside the new ones (a client
/// that moves finds both), an Accept=no service keeps the fds it was given (its own copies) and the socket polls the
/// new set once it ends.
/// </summary>
internal sealed partial class SocketUnit
{
    /// <summary>How many waiting connections a closing Accept=yes listener serves before it goes: its backlog, bounded.</summary>
    private const int DrainLimit = 4096;

    /// <summary>How long an Accept=yes listener whose line a reload removed still accepts beside the new ones.</summary>
    internal static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(1);

    /// <summary>Listeners whose lines are gone, still polled until <see cref="_retireTimer"/> closes them.</summary>
    private readonly List<Listener> _retiring = [];
    private IDisposable? _retireTimer;

    /// <summary>Takes <paramref name="definition"/>, reloaded from disk, and moves the bound listeners to it.</summary>
    internal void Reload(LoadedUnit definition)
    {
        var before = Settings;
        Definition = definition;
        // A listener still retiring from the last reload is one of the old set again: kept if its line came back.
        _retireTimer?.Dispose();
        _retireTimer = null;
        _listeners.AddRange(_retiring);
        _retiring.Clear();
        if (_listeners.Count == 0 || _state is not (SocketState.Listening or SocketState.Running or SocketState.StartPost))
            return;   // nothing bound, or a stop closes it anyway: the next start binds the new definition
        RenewLimits(before);
        var plan = SocketReloadPlan.Make(before, Settings, _listeners.Select(l => l.Spec).ToList());
        if (!plan.ChangesAnything)
            return;
        var old = _listeners.ToList();
        var closedEarly = new HashSet<int>();
        var fresh = new List<Listener>();
        var next = new List<Listener>(plan.Slots.Count);
        foreach (var (spec, kept) in plan.Slots)
        {
            if (kept >= 0)
            {
                next.Add(old[kept]);
                continue;
            }
            var listener = BindAtReload(spec, old, plan, closedEarly);
            if (listener is null)
            {
                // All or nothing: the old listeners stay as they were, and the options still apply to them.
                foreach (var made in fresh)
                    made.Socket.Dispose();
                ApplyInPlace(plan, before, old.Where((_, i) => !closedEarly.Contains(i)).ToList(), []);
                _listeners.RemoveAll(l => closedEarly.Contains(old.IndexOf(l)));
                return;
            }
            fresh.Add(listener);
            next.Add(listener);
        }
        ApplyInPlace(plan, before, next.Except(fresh).ToList(), fresh);
        foreach (int i in plan.Closed.Where(i => !closedEarly.Contains(i)))
        {
            if (Settings.Accept && old[i].Socket.IsStream && _state == SocketState.Listening)
                _retiring.Add(old[i]);
            else
                CloseAtReload(old[i], next);
        }
        if (_retiring.Count > 0)
            _retireTimer = Manager.Loop.Schedule(RetireAfter, CloseRetired);
        _listeners.Clear();
        _listeners.AddRange(next);
        if (_state == SocketState.Listening && _resume is null && _waiting is null)
            foreach (var listener in fresh)
                listener.Token = Manager.Loop.Register(listener.Socket.Handle, Libc.EPOLLIN, listener.Readable ??= e => OnReadable(listener, e));
        if (plan.MovesListeners)
        {
            var change = new List<string>();
            if (fresh.Count > 0)
                change.Add("bound " + string.Join(", ", fresh.Select(l => $"{l.Spec.SettingName}={l.Spec.Value}")));
            if (plan.Closed.Count > 0)
                change.Add("closed " + string.Join(", ", plan.Closed.Select(i => $"{old[i].Spec.SettingName}={old[i].Spec.Value}")));
            change.Add($"kept {next.Count - fresh.Count}");
            ManagerLog.ListenersChanged(Manager.Log, Id, string.Join("; ", change));
            if (_state == SocketState.Running && Manager.Find(TriggeredName.Name) is { ActiveState: not (UnitActiveState.Inactive or UnitActiveState.Failed) } service)
                ManagerLog.ServiceKeepsListeners(Manager.Log, Id, service.Id);
        }
    }

    /// <summary>Changed TriggerLimit*=/PollLimit*= settings take effect now, with fresh windows.</summary>
    private void RenewLimits(SocketSection before)
    {
        if (_triggerLimit is not null && (before.TriggerLimitInterval != Settings.TriggerLimitInterval || before.EffectiveTriggerLimitBurst != Settings.EffectiveTriggerLimitBurst))
            _triggerLimit = new RateLimit(Manager.Loop.Time, Settings.TriggerLimitInterval, Settings.EffectiveTriggerLimitBurst);
        if (before.PollLimitInterval != Settings.PollLimitInterval || before.EffectivePollLimitBurst != Settings.EffectivePollLimitBurst)
            foreach (var listener in _listeners)
                listener.PollLimit = new RateLimit(Manager.Loop.Time, Settings.PollLimitInterval, Settings.EffectivePollLimitBurst);
    }

    /// <summary>
    /// Binds a new line while the old ones still accept. The kernel refuses an IP address beside another of the same
    /// port (127.0.0.1:80 beside 0.0.0.0:80): then the old one that conflicts is closed first and the bind retried.
    /// Null (and one line) when it cannot be bound.
    /// </summary>
    private Listener? BindAtReload(ListenSpec spec, List<Listener> old, SocketReloadPlan plan, HashSet<int> closedEarly)
    {
        try
        {
            try
            {
                return OpenListener(spec);
            }
            catch (ErrnoException e) when (e.Number == Errno.EADDRINUSE && spec.Address is { Port: > 0, IsUnix: false })
            {
                var conflicts = plan.Closed.Where(i => !closedEarly.Contains(i) && old[i].Socket.Address is { IsUnix: false } a && a.Port == spec.Address.Port).ToList();
                if (conflicts.Count == 0)
                    throw;
                foreach (int i in conflicts)
                {
                    ManagerLog.ClosedBeforeBind(Manager.Log, Id, $"{spec.SettingName}={spec.Value}", $"{old[i].Spec.SettingName}={old[i].Spec.Value}");
                    CloseAtReload(old[i], []);
                    closedEarly.Add(i);
                }
                return OpenListener(spec);
            }
        }
        catch (ErrnoException e)
        {
            ManagerLog.ReloadBindFailed(Manager.Log, Id, $"{spec.SettingName}={spec.Value}", e.Message);
        }
        catch (Processes.SpawnException e)
        {
            ManagerLog.ReloadBindFailed(Manager.Log, Id, $"{spec.SettingName}={spec.Value}", "SocketUser=/SocketGroup=: " + e.Reason);
        }
        return null;
    }

    /// <summary>The changed options that a bound socket takes: on the kept listeners (the fresh ones were bound with them),
    /// and the IP filter on the fresh ones too; what cannot be applied is said in one line.</summary>
    private void ApplyInPlace(SocketReloadPlan plan, SocketSection before, List<Listener> kept, List<Listener> fresh)
    {
        var atRestart = plan.AtRestart.ToList();
        var options = SocketOptionsOf(Settings);
        var previous = SocketOptionsOf(before);
        foreach (var listener in kept)
        {
            var socket = listener.Socket;
            try
            {
                if (plan.Relisten)
                    socket.Relisten((int)Math.Min(Settings.Backlog, int.MaxValue));
                if (plan.ReusePort)
                    socket.SetReusePort(Settings.ReusePort);
                if (plan.Mode)
                    socket.ChangeMode(Settings.SocketMode);
                if (plan.Owner)
                    ChangeOwner(socket, dispose: false);
            }
            catch (ErrnoException e)
            {
                ManagerLog.UnitWarning(Manager.Log, Id, $"{listener.Spec.SettingName}={listener.Spec.Value}: {e.Message}");
            }
            catch (Processes.SpawnException e)
            {
                ManagerLog.UnitWarning(Manager.Log, Id, $"SocketUser=/SocketGroup=: {e.Reason}");
            }
            if (plan.Options)
                foreach (var failure in options.ApplyChangesTo(socket, previous, atRestart))
                    ManagerLog.UnitWarning(Manager.Log, Id, failure);
        }
        var filtered = plan.Filter ? kept.Concat(fresh) : fresh;
        if (SocketAddressFilter.Attach(filtered.Select(l => l.Socket), Settings) is { } notApplied)
            ManagerLog.UnitError(Manager.Log, Id, $"{notApplied} cannot be applied at reload.");
        if (atRestart.Count > 0)
            ManagerLog.AppliesAtRestart(Manager.Log, Id, string.Join(", ", atRestart.Distinct()));
    }

    /// <summary>The retiring listeners' time is up: each serves what waits in its backlog and closes.</summary>
    private void CloseRetired()
    {
        _retireTimer = null;
        var retired = _retiring.ToList();
        _retiring.Clear();
        foreach (var listener in retired)
            CloseAtReload(listener, _listeners);
    }

    /// <summary>A stop closes the retiring listeners with the others, without serving their backlog.</summary>
    private void CloseRetiring()
    {
        _retireTimer?.Dispose();
        _retireTimer = null;
        foreach (var listener in _retiring)
        {
            Manager.Loop.Unregister(listener.Token);
            listener.Token = 0;
            listener.Socket.Dispose();
        }
        _retiring.Clear();
    }

    /// <summary>Closes a listener whose line is gone. An Accept=yes listener first serves the connections waiting in its
    /// backlog, which closing would reset; a node is removed (RemoveOnStop=) unless a new listener is bound there.</summary>
    private void CloseAtReload(Listener listener, List<Listener> next)
    {
        if (Settings.Accept && listener.Socket.IsStream)
        {
            for (int i = 0; i < DrainLimit && _state == SocketState.Listening && _waiting is null; i++)
            {
                var connection = AcceptedConnection.TryAccept(listener.Socket.Handle, out _);
                if (connection is null)
                    break;
                OnConnection(connection);
            }
        }
        Manager.Loop.Unregister(listener.Token);
        listener.Token = 0;
        if (Settings.RemoveOnStop && !next.Any(l => l.Socket.Address == listener.Socket.Address))
            listener.Socket.RemoveNode();
        listener.Socket.Dispose();
    }
}
