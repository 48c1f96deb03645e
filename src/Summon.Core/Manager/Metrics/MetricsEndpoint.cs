using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Manager.Metrics;

/// <summary>
/// The manager's HTTP endpoint (`summon daemon --metrics`), served on the event loop like the control socket: accepts,
/// reads and writes never block (the fds are non-blocking and watched by the loop), a request head is bounded, and every
/// phase of a client has a deadline kept by one loop timer, so a client that stalls halfway through its request, or never
/// reads its response, costs its fd and its bytes until the deadline, and nothing else. HTTP/1.0 and 1.1, keep-alive and
/// pipelining, GET and HEAD of /metrics, /readyz and /livez.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    /// <summary>The longest request head accepted (Prometheus sends a few hundred bytes).</summary>
    public const int RequestLimit = 8192;

    /// <summary>Clients held at once; beyond it a new connection is closed at once.</summary>
    public const int MaxClients = 4096;

    /// <summary>How long a client may take to send a request, or to read a response.</summary>
    public static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(100);

    private readonly ListeningSocket _listener;
    private readonly EventLoop _loop;
    private readonly MetricsPage _page;
    private readonly ManagerMetrics _metrics;
    private readonly HealthChecks _health;
    private readonly ResponseBuffer _response = new();
    private readonly byte[] _scratch = new byte[RequestLimit];
    private readonly LinkedList<HttpConnection> _deadlines = new();
    private readonly Dictionary<ulong, HttpConnection> _clients = [];
    private readonly Action _expire;
    private readonly LoopLagProbe? _lag;
    private ulong _listenerToken;
    private IDisposable? _deadlineTimer;
    private long _deadlineTimerAt;
    private bool _disposed;

    /// <param name="lag">The loop's lag probe, disposed with the endpoint.</param>
    public MetricsEndpoint(ListeningSocket listener, EventLoop loop, MetricsPage page, HealthChecks health, LoopLagProbe? lag = null)
    {
        _listener = listener;
        _loop = loop;
        _page = page;
        _metrics = page.Metrics;
        _health = health;
        _expire = ExpireDeadlines;
        _lag = lag;
        _listenerToken = loop.Register(listener.Handle, Libc.EPOLLIN, _ => AcceptPending());
    }

    /// <summary>
    /// Binds <paramref name="options"/>' address (HOST:PORT, [IPv6]:PORT, PORT, a Unix path made 0600, or @abstract) and
    /// serves it on <paramref name="loop"/>, starting the loop's lag probe; throws <see cref="ErrnoException"/> (EINVAL for an
    /// address that does not parse).
    /// </summary>
    public static MetricsEndpoint Start(ManagerHost.MetricsOptions options, EventLoop loop, UnitManager manager, SafeFdHandle? carried = null)
    {
        if (!Units.ListenAddressParser.TryParse(options.Address, out var address, out int errno))
            throw new ErrnoException("parse", errno);
        // A re-exec's carried listener is served as it is when it is still the one for this address.
        var socket = carried is null ? null : ListeningSocket.Adopt(carried, address, SocketKind.Stream, sameAddress: true, out _);
        if (socket is null)
            carried?.Dispose();
        socket ??= ListeningSocket.Open(address, SocketKind.Stream, new ListenOptions { Backlog = 1024, SocketMode = Convert.ToUInt32("600", 8), DirectoryMode = Convert.ToUInt32("700", 8) });
        var lag = manager.Metrics.Lag = new LoopLagProbe(loop);
        return new MetricsEndpoint(socket, loop, new MetricsPage(manager), new HealthChecks(manager, options.ReadyUnits, options.StallLimit), lag);
    }

    /// <summary>The listening socket, which a re-exec carries.</summary>
    public SafeFdHandle ListenerHandle => _listener.Handle;

    /// <summary>Clients held now.</summary>
    public int Clients => _clients.Count;

    /// <summary>Where it listens, as given.</summary>
    public string Address => _listener.Address.ToString() ?? "";

    private unsafe void AcceptPending()
    {
        for (int i = 0; i < 64 && !_disposed; i++)
        {
            int fd = Libc.Accept4(_listener.Handle, null, null, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK);
            if (fd < 0)
            {
                int errno = Errno.Last;
                if (errno == Errno.ECONNABORTED)
                    continue;
                if (errno != Errno.EAGAIN)
                    PauseAccepting();   // out of fds or memory: the listener stays readable and would spin the loop
                return;
            }
            var handle = new SafeFdHandle(fd);
            if (_clients.Count >= MaxClients)
            {
                handle.Dispose();
                continue;
            }
            var client = new HttpConnection(handle);
            client.Token = _loop.Register(handle, Libc.EPOLLIN, events => OnClientReady(client, events));
            _clients[client.Token] = client;
            RenewDeadline(client);
        }
    }

    private void PauseAccepting()
    {
        _loop.Unregister(_listenerToken);
        _listenerToken = 0;
        _loop.Schedule(AcceptBackoff, () =>
        {
            if (!_disposed && _listenerToken == 0)
                _listenerToken = _loop.Register(_listener.Handle, Libc.EPOLLIN, _ => AcceptPending());
        });
    }

    private void OnClientReady(HttpConnection client, uint events)
    {
        if (client.Writing)
        {
            if (client.Flush(out int errno))
                AfterResponse(client);
            else if (errno != 0 || (events & (Libc.EPOLLERR | Libc.EPOLLHUP)) != 0)
                Close(client);
            return;
        }
        Read(client);
    }

    /// <summary>One read per wake-up (the fd is level-triggered): into the shared buffer, or after the bytes the client holds.</summary>
    private unsafe void Read(HttpConnection client)
    {
        var room = client.ReceiveRoom(RequestLimit);
        bool held = !client.Received.IsEmpty;
        var into = held ? room : _scratch;
        if (into.IsEmpty)
        {
            Refuse(client, "431 Request Header Fields Too Large"u8);
            return;
        }
        nint n;
        fixed (byte* p = into)
            n = Libc.Read(client.Fd, p, into.Length);
        if (n < 0 && Errno.Last == Errno.EAGAIN)
            return;
        if (n <= 0)
        {
            Close(client);   // the client closed, or the connection broke
            return;
        }
        if (held)
        {
            client.AddReceived((int)n);
            Serve(client, client.Received);
        }
        else
            Serve(client, _scratch.AsSpan(0, (int)n));
    }

    /// <summary>Answers every complete request in <paramref name="bytes"/>; keeps what is left for later.</summary>
    private void Serve(HttpConnection client, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var head = HttpRequestHead.Parse(bytes);
            switch (head.Status)
            {
                case HttpHeadStatus.Incomplete:
                    if (bytes.Length >= RequestLimit)
                        Refuse(client, "431 Request Header Fields Too Large"u8);
                    else
                        client.Keep(bytes, RequestLimit);
                    return;
                case HttpHeadStatus.NotAllowed:
                    Refuse(client, "405 Method Not Allowed"u8);
                    return;
                case HttpHeadStatus.Malformed or HttpHeadStatus.HasBody:
                    Refuse(client, "400 Bad Request"u8);
                    return;
            }
            bytes = bytes[head.Length..];
            Respond(client, head);
            if (!_clients.ContainsKey(client.Token))
                return;
            if (client.Writing)
            {
                client.Keep(bytes, RequestLimit);   // pipelined requests wait for the response to be written
                return;
            }
        }
        client.Keep([], RequestLimit);
    }

    private void Respond(HttpConnection client, HttpRequestHead head)
    {
        _response.Clear();
        bool ok = true;
        long scrapeStarted = 0;
        var contentType = "text/plain; charset=utf-8"u8;
        switch (head.Target)
        {
            case HttpTarget.Metrics:
                scrapeStarted = _loop.Time.GetTimestamp();
                _page.Write(_response, head.OpenMetrics);
                contentType = head.OpenMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"u8 : "text/plain; version=0.0.4; charset=utf-8"u8;
                break;
            case HttpTarget.Readyz:
                ok = _health.WriteReadiness(_response);
                break;
            case HttpTarget.Livez:
                ok = _health.WriteLiveness(_response);
                break;
            default:
                _response.Append("Not found: this endpoint serves /metrics, /readyz and /livez.\n"u8);
                break;
        }
        var status = head.Target == HttpTarget.Unknown ? "HTTP/1.1 404 Not Found"u8 : ok ? "HTTP/1.1 200 OK"u8 : "HTTP/1.1 503 Service Unavailable"u8;
        client.KeepAlive = head.KeepAlive;
        _response.PutHead(status, contentType, head.KeepAlive, head.HeadOnly);
        Send(client);
        if (scrapeStarted != 0)
            _metrics.LastScrape = _loop.Time.GetElapsedTime(scrapeStarted);
    }

    /// <summary>Answers a request it will not serve with <paramref name="status"/> and closes once that is written.</summary>
    private void Refuse(HttpConnection client, ReadOnlySpan<byte> status)
    {
        _response.Clear();
        _response.Append(status[4..]);
        _response.Append((byte)'\n');
        Span<byte> line = stackalloc byte[64];
        "HTTP/1.1 "u8.CopyTo(line);
        status.CopyTo(line[9..]);
        client.KeepAlive = false;
        _response.PutHead(line[..(9 + status.Length)], "text/plain; charset=utf-8"u8, keepAlive: false, headOnly: false);
        client.Keep([], RequestLimit);
        Send(client);
    }

    private void Send(HttpConnection client)
    {
        if (client.Send(_response.Response, out int errno))
        {
            if (!client.KeepAlive)
                Close(client);
            else
                RenewDeadline(client);
            return;
        }
        if (errno != 0)
        {
            Close(client);
            return;
        }
        _loop.Modify(client.Token, Libc.EPOLLOUT);   // the rest when the client reads; the deadline bounds how long
        RenewDeadline(client);
    }

    private void AfterResponse(HttpConnection client)
    {
        if (!client.KeepAlive)
        {
            Close(client);
            return;
        }
        _loop.Modify(client.Token, Libc.EPOLLIN);
        RenewDeadline(client);
        if (!client.Received.IsEmpty)
            Serve(client, client.Received);
    }

    /// <summary>The client's current phase ends <see cref="PhaseTimeout"/> from now: last in the deadline order.</summary>
    private void RenewDeadline(HttpConnection client)
    {
        client.Deadline = _loop.Time.GetTimestamp() + (long)(PhaseTimeout.TotalSeconds * _loop.Time.TimestampFrequency);
        if (client.DeadlineNode is { } node)
        {
            _deadlines.Remove(node);
            _deadlines.AddLast(node);
        }
        else
            client.DeadlineNode = _deadlines.AddLast(client);
        ArmDeadlineTimer();
    }

    private void ArmDeadlineTimer()
    {
        if (_deadlines.First?.Value is not { } first)
            return;
        if (_deadlineTimer is not null && _deadlineTimerAt <= first.Deadline)
            return;
        _deadlineTimer?.Dispose();
        _deadlineTimerAt = first.Deadline;
        var due = _loop.Time.GetElapsedTime(_loop.Time.GetTimestamp(), first.Deadline);
        _deadlineTimer = _loop.Schedule(due > TimeSpan.Zero ? due : TimeSpan.Zero, _expire);
    }

    private void ExpireDeadlines()
    {
        _deadlineTimer = null;
        long now = _loop.Time.GetTimestamp();
        while (_deadlines.First?.Value is { } client && client.Deadline <= now)
            Close(client);
        ArmDeadlineTimer();
    }

    private void Close(HttpConnection client)
    {
        if (!_clients.Remove(client.Token))
            return;
        _loop.Unregister(client.Token);
        if (client.DeadlineNode is { } node)
            _deadlines.Remove(node);
        client.DeadlineNode = null;
        client.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        _deadlineTimer?.Dispose();
        foreach (var client in _clients.Values.ToList())
            Close(client);
        if (_listenerToken != 0)
            _loop.Unregister(_listenerToken);
        _listener.Dispose();
        _lag?.Dispose();
    }
}
