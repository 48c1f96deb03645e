using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// The [Socket] options that are plain setsockopt(2) calls on a bound socket (systemd's socket_apply_socket_options).
/// Like systemd, a failing option is reported and skipped, never fatal. Accepted connections inherit them from the
/// listener on Linux (TCP copies the listener's options into the child socket).
/// </summary>
internal sealed record SocketOptions
{
    public bool NoDelay { get; init; }
    public bool KeepAlive { get; init; }
    public TimeSpan? KeepAliveTime { get; init; }
    public TimeSpan? KeepAliveInterval { get; init; }
    public uint? KeepAliveProbes { get; init; }
    public TimeSpan DeferAccept { get; init; }
    public int? Priority { get; init; }
    public ulong? ReceiveBuffer { get; init; }
    public ulong? SendBuffer { get; init; }
    public int? Mark { get; init; }
    public int? IpTtl { get; init; }
    public bool PassCredentials { get; init; }
    public bool PassPacketInfo { get; init; }
    public bool Broadcast { get; init; }
    public bool Transparent { get; init; }

    private const int SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_PRIORITY = 12, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_MARK = 36;
    private const int TCP_NODELAY = 1, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6, TCP_DEFER_ACCEPT = 9;
    private const int IP_TTL = 2, IP_PKTINFO = 8, IP_TRANSPARENT = 19, IPV6_UNICAST_HOPS = 16, IPV6_RECVPKTINFO = 49, IPV6_TRANSPARENT = 75;

    /// <summary>Applies every set option; returns the messages for those that failed ("TCP_NODELAY failed: …").</summary>
    public List<string> ApplyTo(ListeningSocket socket)
    {
        var failures = new List<string>();
        var fd = socket.Handle;
        bool ip = socket.Address.Family is ListenFamily.Inet or ListenFamily.Inet6;
        bool v6 = socket.Address.Family == ListenFamily.Inet6;
        bool tcp = ip && socket.Kind == SocketKind.Stream;

        void Set(bool when, int level, int name, int value, string what)
        {
            if (when && Libc.SetSockOptInt(fd, level, name, value) < 0)
                failures.Add($"{what} failed: {Errno.Describe(Errno.Last)}");
        }

        Set(KeepAlive, Libc.SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
        Set(tcp && KeepAliveTime is not null, Libc.IPPROTO_TCP, TCP_KEEPIDLE, Seconds(KeepAliveTime), "TCP_KEEPIDLE");
        Set(tcp && KeepAliveInterval is not null, Libc.IPPROTO_TCP, TCP_KEEPINTVL, Seconds(KeepAliveInterval), "TCP_KEEPINTVL");
        Set(tcp && KeepAliveProbes is not null, Libc.IPPROTO_TCP, TCP_KEEPCNT, (int)(KeepAliveProbes ?? 0), "TCP_KEEPCNT");
        Set(tcp && DeferAccept > TimeSpan.Zero, Libc.IPPROTO_TCP, TCP_DEFER_ACCEPT, Seconds(DeferAccept), "TCP_DEFER_ACCEPT");
        Set(tcp && NoDelay, Libc.IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
        Set(Broadcast, Libc.SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
        Set(PassCredentials, Libc.SOL_SOCKET, Libc.SO_PASSCRED, 1, "SO_PASSCRED");
        Set(ip && PassPacketInfo, v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_RECVPKTINFO : IP_PKTINFO, 1, v6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO");
        Set(Priority is not null, Libc.SOL_SOCKET, SO_PRIORITY, Priority ?? 0, "SO_PRIORITY");
        Set(Mark is not null, Libc.SOL_SOCKET, SO_MARK, Mark ?? 0, "SO_MARK");
        Set(ip && IpTtl is not null, v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_UNICAST_HOPS : IP_TTL, IpTtl ?? 0, v6 ? "IPV6_UNICAST_HOPS" : "IP_TTL");
        Set(ip && Transparent, v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, 1, v6 ? "IPV6_TRANSPARENT" : "IP_TRANSPARENT");
        if (ReceiveBuffer is { } rcv && Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, SO_RCVBUFFORCE, Clamp(rcv)) < 0)
            Set(true, Libc.SOL_SOCKET, SO_RCVBUF, Clamp(rcv), "SO_RCVBUF");
        if (SendBuffer is { } snd && Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, SO_SNDBUFFORCE, Clamp(snd)) < 0)
            Set(true, Libc.SOL_SOCKET, SO_SNDBUF, Clamp(snd), "SO_SNDBUF");
        return failures;
    }

    private static int Seconds(TimeSpan? span) => (int)Math.Clamp(Math.Ceiling(span?.TotalSeconds ?? 0), 0, int.MaxValue);

    private static int Clamp(ulong value) => (int)Math.Min(value, int.MaxValue);
}
