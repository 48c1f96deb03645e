using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>
/// The manager side of the control socket: a stream socket (mode 0600) under the runtime directory, served without a
/// thread of its own and without ever waiting. Its owner watches <see cref="Handle"/> (an epoll set holding the
/// listener and every client) and calls <see cref="OnReady"/> when it is readable, and calls
/// <see cref="ExpireDeadlines"/> when <see cref="NextDeadline"/> says; the manager's event loop does both. Peers are
/// checked with SO_PEERCRED: root, or the manager's own user.
/// </summary>
/// <remarks>
/// At most <see cref="MaxClients"/> clients are held. A client has <see cref="RequestDeadline"/> to send its whole
/// request, and again to take its whole reply; while the handler works on its request (a <c>start</c> waiting for its
/// unit) it holds nothing but its socket. When a client arrives and all places are taken, the client that has been
/// sending its request longest gives way (a real CLI sends it at once, so a flood of idle or slow clients cannot
/// starve it); when every place is a request in progress, the newcomer is turned away. Both are told in one line.
/// </remarks>
internal sealed partial class ControlServer : IDisposable
{
    /// <summary>How many control clients are held at once, whatever they are doing.</summary>
    public const int MaxClients = 256;

    /// <summary>The request deadline: how long a client may take to send its whole request, and again to take its reply.</summary>
    public static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(5);

    /// <summary>How long accepting pauses when accept4 fails for want of fds or memory and no client can give its fd back.</summary>
    public static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(100);

    private const int Backlog = 64;
    private const ulong ListenerToken = 0;
    private const ulong WakeToken = 1;

    private readonly ListeningSocket _listener;
    private readonly IControlHandler _handler;
    private readonly uint _ownUid;
    private readonly TimeProvider _time;
    private readonly SafeFdHandle _epoll;
    private readonly SafeFdHandle _wake;
    private volatile bool _disposed;

    private ControlServer(string path, ListeningSocket listener, IControlHandler handler, uint ownUid, TimeProvider time, SafeFdHandle epoll, SafeFdHandle wake)
    {
        Path = path;
        _listener = listener;
        _handler = handler;
        _ownUid = ownUid;
        _time = time;
        _epoll = epoll;
        _wake = wake;
    }

    public string Path { get; }

    /// <summary>The listening socket, which a re-exec carries across execve.</summary>
    public SafeFdHandle ListenerHandle => _listener.Handle;

    /// <summary>Readable when there is something to do: call <see cref="OnReady"/>.</summary>
    public SafeFdHandle Handle => _epoll;

    /// <summary>
    /// Binds the control socket (or serves <paramref name="carried"/>, the one a re-exec kept); fails if another manager is already answering on it
    /// (<see cref="InvalidOperationException"/>) or a socket call fails (<see cref="ErrnoException"/>).
    /// </summary>
    public static ControlServer Start(string path, uint ownUid, IControlHandler handler, TimeProvider time, ListeningSocket? carried = null)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (carried is null && (File.Exists(path) || new FileInfo(path).LinkTarget is not null))
        {
            if (IsAnswering(path))
                throw new InvalidOperationException($"Another summon manager is already running on {path}.");
            File.Delete(path);
        }
        SafeFdHandle? epoll = null, wake = null;
        ListeningSocket? listener = carried;
        try
        {
            epoll = new SafeFdHandle(Libc.EpollCreate1(Libc.EPOLL_CLOEXEC));
            if (epoll.IsInvalid)
                throw ErrnoException.FromLast("epoll_create1");
            wake = new SafeFdHandle(Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK));
            if (wake.IsInvalid)
                throw ErrnoException.FromLast("eventfd");
            // A re-exec's carried socket keeps its node, its inode and the connections in its backlog.
            listener ??= UnixStream.Listen(path, Convert.ToUInt32("600", 8), Backlog);
            Watch(epoll, listener.Handle, Libc.EPOLLIN, ListenerToken, Libc.EPOLL_CTL_ADD);
            Watch(epoll, wake, Libc.EPOLLIN, WakeToken, Libc.EPOLL_CTL_ADD);
            return new ControlServer(path, listener, handler, ownUid, time, epoll, wake);
        }
        catch
        {
            listener?.Dispose();
            wake?.Dispose();
            epoll?.Dispose();
            throw;
        }
    }

    /// <summary>Whether a manager accepts connections on <paramref name="path"/> (a stale socket file refuses them).</summary>
    private static bool IsAnswering(string path)
    {
        try
        {
            using var probe = UnixStream.Connect(path);
            return true;
        }
        catch (ErrnoException)
        {
            return false;
        }
    }

    /// <summary>
    /// Does what is ready, without waiting: accepts, reads requests and hands them to the handler, writes replies (those
    /// the handler finished on another thread included). A bounded batch: the set is level-triggered, so the owner is
    /// called again while more is ready.
    /// </summary>
    public unsafe void OnReady()
    {
        const int MaxEvents = 64;
        var events = stackalloc Libc.EpollEvent[MaxEvents];
        int n = _disposed ? 0 : Libc.EpollWait(_epoll, events, MaxEvents, 0);
        for (int i = 0; i < n && !_disposed; i++)
        {
            switch (events[i].Data)
            {
                case ListenerToken:
                    AcceptPending();
                    break;
                case WakeToken:
                    ulong ignored;
                    Libc.EventFdRead(_wake, &ignored);
                    WriteFinishedReplies();
                    break;
                case var token when _clients.TryGetValue(token, out var client):
                    if (client.Phase == ControlConnectionPhase.Reading)
                        Receive(client);
                    else if (client.Phase == ControlConnectionPhase.Writing)
                        Send(client);
                    break;
            }
        }
    }

    /// <summary>Stops accepting, closes every client and removes the socket's node. The owner stops watching <see cref="Handle"/> first.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var client in _clients.Values)
            client.Dispose();
        _clients.Clear();
        _waiting.Clear();
        _listener.Dispose();
        lock (_finished)
            _wake.Dispose();
        _epoll.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }

    private static unsafe void Watch(SafeFdHandle epoll, SafeFdHandle fd, uint events, ulong token, int op)
    {
        var ev = new Libc.EpollEvent { Events = events, Data = token };
        if (Libc.EpollCtl(epoll, op, fd, &ev) < 0)
            throw ErrnoException.FromLast("epoll_ctl");
    }
}
