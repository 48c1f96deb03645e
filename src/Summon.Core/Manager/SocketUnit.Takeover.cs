using Summon.Interop;
using Summon.Manager.Takeover;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>A socket taken back after a crash of the manager, from the service that survived it (docs/recovery.md).</summary>
internal sealed partial class SocketUnit
{
    /// <summary>True while a surviving service holds listeners we could not take back: they are bound anew when it ends.</summary>
    private bool _bindWhenServiceEnds;

    /// <summary>
    /// Takes this socket's listeners back from a surviving service: <paramref name="take"/> gives the service's copy of
    /// listener <c>i</c> of <paramref name="record"/> (or null), and each is used only when it is the very socket that
    /// was bound (<see cref="ListeningSocket.TakeOver"/>) for a Listen*= line the unit still has. All or nothing: on
    /// success the socket is running (its service holds it, we do not poll); otherwise what was taken is closed and
    /// <paramref name="why"/> says what failed.
    /// </summary>
    internal bool TakeOverListeners(SocketRecord record, Func<int, (SafeFdHandle? Fd, int Errno)> take, out string why)
    {
        why = "";
        var taken = new List<Listener>();
        foreach (var spec in Settings.Listen)
        {
            if (spec.Address is null && spec.Type != ListenType.Fifo)
                continue;
            int index = record.Listeners.FindIndex(l => l.Setting == spec.SettingName && l.Value == spec.Value);
            if (index < 0)
            {
                why = $"{spec.SettingName}={spec.Value} was not bound by the previous manager";
                break;
            }
            var (fd, errno) = take(index);
            if (fd is null)
            {
                why = $"{spec.SettingName}={spec.Value}: pidfd_getfd: {Errno.Describe(errno)}";
                break;
            }
            var address = spec.Type == ListenType.Fifo ? ListenAddress.UnixPath(spec.Value) : spec.Address!;
            var socket = ListeningSocket.TakeOver(fd, address, spec.Type == ListenType.Fifo ? null : SocketTypeOf(spec.Type), record.Listeners[index].Inode, out string mismatch);
            if (socket is null)
            {
                why = $"{spec.SettingName}={spec.Value}: {mismatch}";
                break;
            }
            taken.Add(new Listener(socket, spec) { PollLimit = new RateLimit(Manager.Loop.Time, Settings.PollLimitInterval, Settings.EffectivePollLimitBurst) });
        }
        if (why.Length > 0 || taken.Count == 0)
        {
            foreach (var listener in taken)
                listener.Socket.Dispose();
            if (why.Length == 0)
                why = "no listener to take";
            return false;
        }
        _listeners.AddRange(taken);
        _triggerLimit = new RateLimit(Manager.Loop.Time, Settings.TriggerLimitInterval, Settings.EffectiveTriggerLimitBurst);
        SetState(SocketState.Running);
        return true;
    }

    /// <summary>
    /// A surviving service holds listeners we could not take back: binding now would fail (the port is in use) or, for
    /// a path, steal the node from the survivor's socket. The socket counts as running and binds once the service ends.
    /// </summary>
    internal void BindWhenServiceEnds()
    {
        _bindWhenServiceEnds = true;
        _triggerLimit = new RateLimit(Manager.Loop.Time, Settings.TriggerLimitInterval, Settings.EffectiveTriggerLimitBurst);
        SetState(SocketState.Running);
    }

    /// <summary>The service that kept our listeners has ended: the socket binds and listens as a fresh start would.</summary>
    private bool BindAfterSurvivor()
    {
        if (!_bindWhenServiceEnds)
            return false;
        _bindWhenServiceEnds = false;
        SetState(SocketState.Dead);
        Start();
        return true;
    }
}
