using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// A connected AF_UNIX stream socket named by a file-system path, in blocking mode, for one request and one reply
/// (the control protocol's transport): how a client connects, how a server listens and accepts, and the whole sends
/// and reads in between. Failed calls throw <see cref="ErrnoException"/>. Plain blocking calls on one fd:
/// System.Net.Sockets would start its epoll thread and probe the address families first, which a process that lives
/// for one request pays for in full, and would keep threads alive in an otherwise idle daemon.
/// </summary>
internal sealed class UnixStream : IDisposable
{
    private readonly SafeFdHandle _handle;

    private UnixStream(SafeFdHandle handle) => _handle = handle;

    /// <summary>A listening socket on <paramref name="path"/> whose node gets <paramref name="mode"/>; a stale node is replaced.</summary>
    public static ListeningSocket Listen(string path, uint mode, int backlog)
    {
        var address = Address(path, "bind");
        return ListeningSocket.Open(address, SocketKind.Stream, ListenOptions.Default with { SocketMode = mode, Backlog = backlog });
    }

    /// <summary>Connects to the socket at <paramref name="path"/>.</summary>
    public static unsafe UnixStream Connect(string path)
    {
        var address = Address(path, "connect");
        Span<byte> sa = stackalloc byte[SockAddr.MaxLength];
        int length = SockAddr.Encode(address, sa);
        var handle = new SafeFdHandle(Libc.Socket(Libc.AF_UNIX, SocketKind.Stream, Libc.SOCK_CLOEXEC));
        if (handle.IsInvalid)
            throw ErrnoException.FromLast("socket");
        int rc;
        fixed (byte* p = sa)
            rc = Libc.Connect(handle, p, length);
        if (rc != 0)
        {
            var failure = ErrnoException.FromLast("connect");
            handle.Dispose();
            throw failure;
        }
        return new UnixStream(handle);
    }

    /// <summary>
    /// Accepts one pending connection (CLOEXEC, blocking, no peer address looked up); null with errno when none is
    /// pending (EAGAIN) or accept failed.
    /// </summary>
    public static unsafe UnixStream? TryAccept(SafeFdHandle listener, out int errno)
    {
        int fd = Libc.Accept4(listener, null, null, Libc.SOCK_CLOEXEC);
        if (fd < 0)
        {
            errno = Errno.Last;
            return null;
        }
        errno = 0;
        return new UnixStream(new SafeFdHandle(fd));
    }

    /// <summary>Reads and sends fail with EAGAIN once they waited <paramref name="milliseconds"/> (SO_RCVTIMEO/SO_SNDTIMEO).</summary>
    public void SetTimeouts(int milliseconds)
    {
        Libc.SetSocketTimeout(_handle, Libc.SO_RCVTIMEO, milliseconds);
        Libc.SetSocketTimeout(_handle, Libc.SO_SNDTIMEO, milliseconds);
    }

    public bool TryGetPeer(out PeerCredentials peer) => PeerCredentials.TryRead(_handle, out peer);

    public unsafe void SendAll(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int sent = 0;
            while (sent < data.Length)
            {
                nint n = Libc.Send(_handle, p + sent, data.Length - sent, Libc.MSG_NOSIGNAL);
                if (n < 0)
                    throw ErrnoException.FromLast("send");
                sent += (int)n;
            }
        }
    }

    /// <summary>Bytes read into <paramref name="into"/>; 0 at the end of the stream.</summary>
    public unsafe int Receive(Span<byte> into)
    {
        fixed (byte* p = into)
        {
            nint n = Libc.Read(_handle, p, into.Length);
            if (n < 0)
                throw ErrnoException.FromLast("read");   // EAGAIN: the receive timeout ran out
            return (int)n;
        }
    }

    /// <summary>Tells the peer that nothing more is sent (it reads the end of the stream), while replies can still be read.</summary>
    public void ShutdownWrite()
    {
        if (Libc.Shutdown(_handle, Libc.SHUT_WR) != 0)
            throw ErrnoException.FromLast("shutdown");
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>The address of <paramref name="path"/>; a path longer than sockaddr_un holds fails as <paramref name="call"/> would.</summary>
    private static ListenAddress Address(string path, string call)
    {
        if (Encoding.UTF8.GetByteCount(path) >= SockAddr.UnixPathMax)
            throw new ErrnoException(call, Errno.ENAMETOOLONG);
        return ListenAddress.UnixPath(path);
    }
}
