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
    public List<string> ApplyTo(ListeningSocket socket) => Apply(socket, null, null);

    /// <summary>
    /// A reload changed the options of a bound socket: each one that differs from <paramref name="previous"/> is set to
    /// its new value, a switch turned off included; one that was set and is now unset is named in
    /// <paramref name="atRestart"/> (its kernel default is not known here; a restart of the socket restores it).
    /// </summary>
    public List<string> ApplyChangesTo(ListeningSocket socket, SocketOptions previous, List<string> atRestart) => Apply(socket, previous, atRestart);

    private List<string> Apply(ListeningSocket socket, SocketOptions? previous, List<string>? atRestart)
    {
        var failures = new List<string>();
        var fd = socket.Handle;
        bool ip = socket.Address.Family is ListenFamily.Inet or ListenFamily.Inet6;
        bool v6 = socket.Address.Family == ListenFamily.Inet6;
        bool tcp = ip && socket.Kind == SocketKind.Stream;

        void Set(bool applies, int level, int name, int value, string what)
        {
            if (applies && Libc.SetSockOptInt(fd, level, name, value) < 0)
                failures.Add($"{what} failed: {Errno.Describe(Errno.Last)}");
        }
        // Fresh: a switch is set when on. Reloaded: when it differs from before, off included.
        bool Switch(bool now, bool before) => previous is null ? now : now != before;
        // Fresh: a value is set when given. Reloaded: when it differs; one no longer given waits for a restart.
        bool Value<T>(T? now, T? before, string setting) where T : struct
        {
            if (previous is null)
                return now is not null;
            if (now is null && before is not null)
                atRestart?.Add(setting);
            return now is not null && !now.Equals(before);
        }
        var was = previous ?? this;

        Set(Switch(KeepAlive, was.KeepAlive), Libc.SOL_SOCKET, SO_KEEPALIVE, KeepAlive ? 1 : 0, "SO_KEEPALIVE");
        Set(tcp && Value(KeepAliveTime, was.KeepAliveTime, "KeepAliveTimeSec="), Libc.IPPROTO_TCP, TCP_KEEPIDLE, Seconds(KeepAliveTime), "TCP_KEEPIDLE");
        Set(tcp && Value(KeepAliveInterval, was.KeepAliveInterval, "KeepAliveIntervalSec="), Libc.IPPROTO_TCP, TCP_KEEPINTVL, Seconds(KeepAliveInterval), "TCP_KEEPINTVL");
        Set(tcp && Value(KeepAliveProbes, was.KeepAliveProbes, "KeepAliveProbes="), Libc.IPPROTO_TCP, TCP_KEEPCNT, (int)(KeepAliveProbes ?? 0), "TCP_KEEPCNT");
        Set(tcp && (previous is null ? DeferAccept > TimeSpan.Zero : DeferAccept != was.DeferAccept), Libc.IPPROTO_TCP, TCP_DEFER_ACCEPT, Seconds(DeferAccept), "TCP_DEFER_ACCEPT");
        Set(tcp && Switch(NoDelay, was.NoDelay), Libc.IPPROTO_TCP, TCP_NODELAY, NoDelay ? 1 : 0, "TCP_NODELAY");
        Set(Switch(Broadcast, was.Broadcast), Libc.SOL_SOCKET, SO_BROADCAST, Broadcast ? 1 : 0, "SO_BROADCAST");
        Set(Switch(PassCredentials, was.PassCredentials), Libc.SOL_SOCKET, Libc.SO_PASSCRED, PassCredentials ? 1 : 0, "SO_PASSCRED");
        Set(ip && Switch(PassPacketInfo, was.PassPacketInfo), v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_RECVPKTINFO : IP_PKTINFO, PassPacketInfo ? 1 : 0, v6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO");
        Set(Value(Priority, was.Priority, "Priority="), Libc.SOL_SOCKET, SO_PRIORITY, Priority ?? 0, "SO_PRIORITY");
        Set(Value(Mark, was.Mark, "Mark="), Libc.SOL_SOCKET, SO_MARK, Mark ?? 0, "SO_MARK");
        Set(ip && Value(IpTtl, was.IpTtl, "IPTTL="), v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_UNICAST_HOPS : IP_TTL, IpTtl ?? 0, v6 ? "IPV6_UNICAST_HOPS" : "IP_TTL");
        Set(ip && Switch(Transparent, was.Transparent), v6 ? Libc.IPPROTO_IPV6 : 0, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, Transparent ? 1 : 0, v6 ? "IPV6_TRANSPARENT" : "IP_TRANSPARENT");
        if (Value(ReceiveBuffer, was.ReceiveBuffer, "ReceiveBuffer=") && Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, SO_RCVBUFFORCE, Clamp(ReceiveBuffer!.Value)) < 0)
            Set(true, Libc.SOL_SOCKET, SO_RCVBUF, Clamp(ReceiveBuffer.Value), "SO_RCVBUF");
        if (Value(SendBuffer, was.SendBuffer, "SendBuffer=") && Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, SO_SNDBUFFORCE, Clamp(SendBuffer!.Value)) < 0)
            Set(true, Libc.SOL_SOCKET, SO_SNDBUF, Clamp(SendBuffer.Value), "SO_SNDBUF");
        return failures;
    }

    private static int Seconds(TimeSpan? span) => (int)Math.Clamp(Math.Ceiling(span?.TotalSeconds ?? 0), 0, int.MaxValue);

    private static int Clamp(ulong value) => (int)Math.Min(value, int.MaxValue);
}
