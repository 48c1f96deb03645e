using Summon.Control;
using Summon.Manager.Reexec;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A socket across a re-exec (docs/reexec.md, "Units"): its listeners are carried as open fds, never closed or bound
/// again, so the kernel's backlog holds what arrives meanwhile; its counters, limits and pending timers go on.
/// </summary>
internal sealed partial class SocketUnit
{
    internal SocketReexecRecord ToReexecRecord(CarriedFds fds)
    {
        var time = Manager.Loop.Time;
        return new SocketReexecRecord
        {
            Unit = ToUnitRecord(),
            State = _state.Name(),
            Listeners = [.. _listeners.Select(l => new ListenerReexecRecord(l.Spec.SettingName, l.Spec.Value, fds.Carry(l.Socket.Handle), l.Socket.Inode, WindowOf(time, l.PollLimit)))],
            NAccepted = NAccepted,
            NRefused = NRefused,
            Refusals = Refusals,
            NIdleStops = NIdleStops,
            Recoveries = Recoveries,
            RecoverAt = RecoverAt,
            RecoverDue = LoopClock.DueOf(time, _recoverTimer),
            TriggerLimit = WindowOf(time, _triggerLimit),
            Waiting = _waiting is { } waiting ? ConnectionReexecRecord.Of(waiting, fds) : null,
            WaitingDue = LoopClock.DueOf(time, _waitingTimer),
            LimitGraceSpent = _limitGraceSpent,
            BackoffFailures = _backoff.Failures,
            ResumeDue = LoopClock.DueOf(time, _resume),
            BindWhenServiceEnds = _bindWhenServiceEnds,
            InvocationId = _invocationId,
        };
    }

    /// <summary>
    /// Takes the socket back from <paramref name="record"/> in the new manager, before its services: every listener
    /// whose Listen*= line the unit still has is the carried fd (checked by inode, type and address), a line added on
    /// disk meanwhile is bound. False, with nothing kept, when the record cannot be used; <paramref name="why"/> says why.
    /// </summary>
    internal bool RestoreAfterReexec(SocketReexecRecord record, CarriedFds fds, out string why)
    {
        why = "";
        var state = Enum.GetValues<SocketState>().First(s => s.Name() == record.State);
        // The socket's own commands (ExecStartPre= … ExecStopPost=) run for moments only; a socket caught in one is
        // started again by the boot rather than carried half-way.
        if (state is not (SocketState.Dead or SocketState.Failed or SocketState.Listening or SocketState.Running))
        {
            why = $"it was in state {record.State}";
            return false;
        }
        var claimed = record.Listeners.Select(l => (Record: l, Fd: fds.Claim(l.Fd))).ToList();
        var taken = new List<Listener>();
        foreach (var spec in Settings.Listen)
        {
            if (state is SocketState.Dead or SocketState.Failed || (spec.Address is null && spec.Type != ListenType.Fifo))
                continue;
            int index = claimed.FindIndex(c => c.Record.Setting == spec.SettingName && c.Record.Value == spec.Value);
            ListeningSocket? socket;
            if (index < 0)
            {
                why = $"{spec.SettingName}={spec.Value} was not bound before the re-exec";
                break;
            }
            var (listener, fd) = claimed[index];
            claimed.RemoveAt(index);
            var address = spec.Type == ListenType.Fifo ? ListenAddress.UnixPath(spec.Value) : spec.Address!;
            socket = ListeningSocket.TakeOver(fd, address, spec.Type == ListenType.Fifo ? null : SocketTypeOf(spec.Type), listener.Inode, out string mismatch);
            if (socket is null)
            {
                why = $"{spec.SettingName}={spec.Value}: {mismatch}";
                break;
            }
            var pollLimit = new RateLimit(Manager.Loop.Time, Settings.PollLimitInterval, Settings.EffectivePollLimitBurst);
            pollLimit.Restore(LoopClock.FromMicroseconds(Manager.Loop.Time, listener.PollLimit.WindowStart), listener.PollLimit.Count);
            taken.Add(new Listener(socket, spec) { PollLimit = pollLimit });
        }
        // A listener whose line is gone from the unit file is closed: the address is no longer asked for.
        foreach (var (_, fd) in claimed)
            fd.Dispose();
        if (why.Length > 0)
        {
            foreach (var listener in taken)
                listener.Socket.Dispose();
            return false;
        }

        var time = Manager.Loop.Time;
        RestoreUnitRecord(record.Unit);
        _state = state;
        _listeners.AddRange(taken);
        NAccepted = record.NAccepted;
        NRefused = record.NRefused;
        Refusals = record.Refusals;
        NIdleStops = record.NIdleStops;
        Recoveries = record.Recoveries;
        _invocationId = record.InvocationId;
        _bindWhenServiceEnds = record.BindWhenServiceEnds;
        _limitGraceSpent = record.LimitGraceSpent;
        if (state is SocketState.Listening or SocketState.Running || record.BindWhenServiceEnds)
        {
            _triggerLimit = new RateLimit(time, Settings.TriggerLimitInterval, Settings.EffectiveTriggerLimitBurst);
            _triggerLimit.Restore(LoopClock.FromMicroseconds(time, record.TriggerLimit.WindowStart), record.TriggerLimit.Count);
        }
        _backoff.Restore(record.BackoffFailures);
        if (record.ResumeDue is { } resume)
            _resume = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, resume), OnResumeDue);
        if (record.RecoverDue is { } recover)
        {
            RecoverAt = record.RecoverAt;
            var service = Result == UnitResult.ServiceStartLimitHit ? Manager.GetOrLoadService(TriggeredName) : null;
            string result = Result;
            _recoverTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, recover), () => OnRecoverDue(result, service));
        }
        if (record.Waiting is { } waiting)
        {
            _waiting = waiting.Claim(fds);
            _waitingTimer = Manager.Loop.ScheduleAt(LoopClock.FromMicroseconds(time, record.WaitingDue ?? 0), OnLimitGraceEnded);
        }
        return true;
    }

    private static RateLimitRecord WindowOf(TimeProvider time, RateLimit? limit) =>
        limit?.Window is { } window ? new RateLimitRecord(LoopClock.ToMicroseconds(time, window.WindowStart), window.Count) : default;

    /// <summary>An Accept=yes instance taken back: it counts toward MaxConnections= and MaxConnectionsPerSource= again.</summary>
    internal void AdoptInstance(ServiceUnit instance)
    {
        instance.AttachRestoredInstance(this);
        Instances.Add(instance);
        NConnections++;
        if (instance.ConnectionSource is { } source)
            _perSource[source] = _perSource.GetValueOrDefault(source) + 1;
    }

    /// <summary>
    /// Once the services are back: a listening socket is polled again (epoll reports at once what the backlog
    /// gathered meanwhile), a running Accept=no socket watches its service for idleness anew.
    /// </summary>
    internal void ResumeAfterReexec(ServiceUnit? service)
    {
        if (_state == SocketState.Listening)
            Poll();
        else if (_state == SocketState.Running && !Settings.Accept && service is not null)
            WatchIdle(service);
        else if (_state == SocketState.Running && !Settings.Accept && !_bindWhenServiceEnds)
            EnterListening();   // its service was not carried: nobody holds the listeners, the socket serves them again
        Manager.OnUnitStateChanged(this);
    }
}
