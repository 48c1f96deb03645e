using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// The sending end of sd_notify(3): a connected, non-blocking AF_UNIX datagram socket to $NOTIFY_SOCKET (a path, or
/// <c>@name</c> in the abstract namespace). A datagram that cannot go now is dropped, never waited for.
/// </summary>
internal sealed class NotifySender : IDisposable
{
    private readonly SafeFdHandle _fd;

    private NotifySender(SafeFdHandle fd, string address)
    {
        _fd = fd;
        Address = address;
    }

    /// <summary>$NOTIFY_SOCKET as given.</summary>
    public string Address { get; }

    /// <summary>Connects to <paramref name="address"/>; throws <see cref="ErrnoException"/> when it cannot.</summary>
    public static unsafe NotifySender Connect(string address)
    {
        var target = address.StartsWith('@') ? ListenAddress.Abstract(address[1..]) : ListenAddress.UnixPath(address);
        int fd = Libc.Socket(Libc.AF_UNIX, SocketKind.Datagram, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK);
        if (fd < 0)
            throw ErrnoException.FromLast("socket");
        var handle = new SafeFdHandle(fd);
        Span<byte> sa = stackalloc byte[SockAddr.MaxLength];
        int length = SockAddr.Encode(target, sa);
        fixed (byte* p = sa)
        {
            if (Libc.Connect(handle, p, length) < 0)
            {
                var error = ErrnoException.FromLast("connect");
                handle.Dispose();
                throw error;
            }
        }
        return new NotifySender(handle, address);
    }

    /// <summary>Sends one message (newline-separated assignments); false when it could not go now.</summary>
    public unsafe bool Send(string message)
    {
        Span<byte> bytes = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(Math.Min(message.Length, 1024))];
        int n = System.Text.Encoding.UTF8.GetBytes(message.AsSpan(0, Math.Min(message.Length, 1024)), bytes);
        fixed (byte* p = bytes)
            return Libc.Send(_fd, p, n, Libc.MSG_NOSIGNAL) == n;
    }

    public void Dispose() => _fd.Dispose();
}
