using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// One connection accepted on a listening socket, with the identity systemd derives from it: the Accept=yes
/// instance name part, REMOTE_ADDR/REMOTE_PORT, and the peer as printed in the instance's description.
/// </summary>
internal sealed class AcceptedConnection : IDisposable
{
    private AcceptedConnection(SafeFdHandle handle) => Handle = handle;

    public SafeFdHandle Handle { get; }

    /// <summary>"127.0.0.1:9091-127.0.0.1:54321", "::1:9091-::1:40000" or "PID-UID" (AF_UNIX), as systemd 252 builds it.</summary>
    public string InstanceSuffix { get; private set; } = "unknown";

    /// <summary>REMOTE_ADDR (IPv4 dotted, v4-mapped shown as IPv4, IPv6 without brackets); null when not an IP peer.</summary>
    public string? RemoteAddress { get; private set; }

    /// <summary>REMOTE_PORT, or null.</summary>
    public int? RemotePort { get; private set; }

    /// <summary>What MaxConnectionsPerSource= counts: the peer address (IP) or "UID n" (AF_UNIX).</summary>
    public string SourceKey { get; private set; } = "unknown";

    /// <summary>The peer as systemd's getpeername_pretty prints it: "127.0.0.1:54321", "[::1]:54321", "PID 12/UID 0".</summary>
    public string PeerPretty { get; private set; } = "unknown";

    /// <summary>Accepts one pending connection (CLOEXEC, blocking). Returns null when nothing is pending (EAGAIN)
    /// or the peer already went away; throws for errors that mean the listener itself is broken.</summary>
    public static unsafe AcceptedConnection? TryAccept(SafeFdHandle listener, out int errno)
    {
        // The peer's address comes with the accept (no getpeername).
        byte* peer = stackalloc byte[SockAddr.MaxLength];
        int peerLen = SockAddr.MaxLength;
        int fd = Libc.Accept4(listener, peer, &peerLen, Libc.SOCK_CLOEXEC);
        if (fd < 0)
        {
            errno = Errno.Last;
            return null;
        }
        errno = 0;
        var connection = new AcceptedConnection(new SafeFdHandle(fd));
        connection.Describe(new ReadOnlySpan<byte>(peer, SockAddr.MaxLength));   // zeroed past what accept wrote
        return connection;
    }

    /// <summary>A connection accepted by a previous image of this manager (a re-exec carried its fd), with the identity
    /// derived from its peer then.</summary>
    public static AcceptedConnection Restore(SafeFdHandle handle, string instanceSuffix, string? remoteAddress, int? remotePort, string sourceKey, string peerPretty) =>
        new(handle)
        {
            InstanceSuffix = instanceSuffix,
            RemoteAddress = remoteAddress,
            RemotePort = remotePort,
            SourceKey = sourceKey,
            PeerPretty = peerPretty,
        };

    /// <summary>True for accept(2) errors that only concern one aborted connection attempt, or mean "try later".</summary>
    public static bool IsTransient(int errno) => errno is Errno.EAGAIN or Errno.ECONNABORTED or Errno.EPERM or Errno.ENETDOWN
        or Errno.EPROTO or Errno.ENOPROTOOPT or Errno.EHOSTDOWN or Errno.ENONET or Errno.EHOSTUNREACH or Errno.EOPNOTSUPP
        or Errno.ENETUNREACH;

    private unsafe void Describe(ReadOnlySpan<byte> peer)
    {
        Span<byte> local = stackalloc byte[SockAddr.MaxLength];
        int localLen = SockAddr.MaxLength;
        fixed (byte* l = local)
        {
            // Lookup errors are ignored, as systemd does: the peer may be gone already.
            if (Libc.GetSockName(Handle, l, &localLen) < 0)
                return;
        }

        if (SockAddr.FamilyOf(local) == Libc.AF_UNIX)
        {
            DescribeUnix();
            return;
        }
        if (!SockAddr.TryDecodeIp(local, out var localIp, out int localPort) || !SockAddr.TryDecodeIp(peer, out var peerIp, out int peerPort))
            return;

        bool bothMapped = localIp.IsIPv4MappedToIPv6 && peerIp.IsIPv4MappedToIPv6;
        if (bothMapped || localIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var l4 = localIp.IsIPv4MappedToIPv6 ? localIp.MapToIPv4() : localIp;
            var p4 = peerIp.IsIPv4MappedToIPv6 ? peerIp.MapToIPv4() : peerIp;
            InstanceSuffix = string.Create(CultureInfo.InvariantCulture, $"{l4}:{localPort}-{p4}:{peerPort}");
        }
        else
        {
            InstanceSuffix = string.Create(CultureInfo.InvariantCulture, $"{Plain(localIp)}:{localPort}-{Plain(peerIp)}:{peerPort}");
        }

        var remote = peerIp.IsIPv4MappedToIPv6 ? peerIp.MapToIPv4() : peerIp;
        RemoteAddress = remote.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? remote.ToString() : Plain(remote);
        RemotePort = peerPort;
        SourceKey = RemoteAddress;
        PeerPretty = peerIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? string.Create(CultureInfo.InvariantCulture, $"{peerIp}:{peerPort}")
            : string.Create(CultureInfo.InvariantCulture, $"[{Plain(peerIp)}]:{peerPort}");
    }

    // IPv6 text without brackets; a scope is printed as %ifname by systemd, %index here when no name is known.
    private static string Plain(IPAddress ip) => ip.ToString();

    private void DescribeUnix()
    {
        if (!PeerCredentials.TryRead(Handle, out var peer))
        {
            InstanceSuffix = "unknown";
            return;
        }
        InstanceSuffix = string.Create(CultureInfo.InvariantCulture, $"{peer.Pid}-{peer.Uid}");
        PeerPretty = string.Create(CultureInfo.InvariantCulture, $"PID {peer.Pid}/UID {peer.Uid}");
        SourceKey = string.Create(CultureInfo.InvariantCulture, $"UID {peer.Uid}");
    }

    public void Dispose() => Handle.Dispose();
}
