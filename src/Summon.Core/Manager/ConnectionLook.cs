using Summon.Sockets;

namespace Summon.Manager;

/// <summary>
/// The idle stop's look for open connections on a socket's listeners, run off the event loop: the kernel walks its
/// socket table for it (a NETLINK_SOCK_DIAG dump, /proc/net/unix), which takes long on a busy machine, so the look runs
/// on a pool thread and its answer is posted back to the loop. A listener closed while it is looked at counts as busy,
/// as does anything the kernel would not tell (<see cref="ListenerConnections"/>): a look never stops a service.
/// </summary>
internal sealed class ConnectionLook(EventLoop loop, Func<IReadOnlyList<ListeningSocket>, bool>? busy = null)
{
    private readonly Func<IReadOnlyList<ListeningSocket>, bool> _busy = busy ?? AnyOpen;
    private int _pending;

    /// <summary>Looks at <paramref name="listeners"/> on a pool thread; <paramref name="answer"/> runs on the loop with
    /// true when any of them has a connection open or waiting.</summary>
    public void Start(IReadOnlyList<ListeningSocket> listeners, Action<bool> answer)
    {
        Interlocked.Increment(ref _pending);
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            bool busy;
            try
            {
                busy = _busy(listeners);
            }
            catch (ObjectDisposedException)   // the socket was stopped meanwhile: its answer is not wanted
            {
                busy = true;
            }
            loop.Post(() =>
            {
                Interlocked.Decrement(ref _pending);
                answer(busy);
            });
        }, null);
    }

    /// <summary>Looks started whose answer has not run on the loop yet: a test on a fake clock holds the clock while
    /// one is out, as real time would not stand still for it.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>The kernel's answer: a connection waits in an accept queue or is established on a listener's address.</summary>
    public static bool AnyOpen(IReadOnlyList<ListeningSocket> listeners)
    {
        foreach (var listener in listeners)
        {
            if (ListenerConnections.HasWaiting(listener))
                return true;
            if (ListenerConnections.Established(listener) is not 0)
                return true;
        }
        return false;
    }
}
