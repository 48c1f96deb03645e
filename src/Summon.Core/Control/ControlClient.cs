using System.Text;
using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>
/// The CLI side: one connection per request, one JSON line each way. Plain blocking socket calls on one fd:
/// System.Net.Sockets would start its epoll thread and probe the address families (three sockets) first, which a
/// process that lives for one request pays for in full.
/// </summary>
public sealed class ControlClient(string socketPath)
{
    public string SocketPath { get; } = socketPath;

    /// <summary>Sends the request; throws <see cref="ControlUnavailableException"/> when no manager answers.</summary>
    public ControlReply Send(ControlRequest request)
    {
        byte[] encoded = ControlClientCodec.Encode(request);
        var payload = new byte[encoded.Length + 1];
        encoded.CopyTo(payload, 0);
        payload[^1] = (byte)'\n';

        using var fd = Connect();
        SendAll(fd, payload);
        if (Libc.Shutdown(fd, Libc.SHUT_WR) != 0)
            throw Unavailable(Errno.Last);

        var buffer = new byte[16 * 1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            int n = Receive(fd, buffer.AsSpan(length));
            if (n == 0)
                break;
            length += n;
        }
        if (length == 0)
            throw new ControlUnavailableException(SocketPath, "Connection closed by the manager");
        return ControlClientCodec.DecodeReply(buffer.AsSpan(0, length))
            ?? throw new ControlUnavailableException(SocketPath, "Empty reply");
    }

    private unsafe SafeFdHandle Connect()
    {
        if (Encoding.UTF8.GetByteCount(SocketPath) >= SockAddr.UnixPathMax)
            throw Unavailable(Errno.ENAMETOOLONG);
        Span<byte> address = stackalloc byte[SockAddr.MaxLength];
        int addressLength = SockAddr.Encode(ListenAddress.UnixPath(SocketPath), address);
        var fd = new SafeFdHandle(Libc.Socket(Libc.AF_UNIX, SocketKind.Stream, Libc.SOCK_CLOEXEC));
        if (fd.IsInvalid)
            throw Unavailable(Errno.Last);
        int rc;
        fixed (byte* p = address)
        {
            do
                rc = Libc.Connect(fd, p, addressLength);
            while (rc != 0 && Errno.Last == Errno.EINTR);
        }
        if (rc != 0)
        {
            int errno = Errno.Last;
            fd.Dispose();
            throw Unavailable(errno);
        }
        return fd;
    }

    private unsafe void SendAll(SafeFdHandle fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int sent = 0;
            while (sent < data.Length)
            {
                nint n = Libc.Send(fd, p + sent, data.Length - sent, Libc.MSG_NOSIGNAL);
                if (n < 0)
                {
                    if (Errno.Last == Errno.EINTR)
                        continue;
                    throw Unavailable(Errno.Last);
                }
                sent += (int)n;
            }
        }
    }

    private unsafe int Receive(SafeFdHandle fd, Span<byte> into)
    {
        fixed (byte* p = into)
        {
            while (true)
            {
                nint n = Libc.Read(fd, p, into.Length);
                if (n >= 0)
                    return (int)n;
                if (Errno.Last != Errno.EINTR)
                    throw Unavailable(Errno.Last);
            }
        }
    }

    private ControlUnavailableException Unavailable(int errno) => new(SocketPath, Errno.Describe(errno));
}

/// <summary>No manager listens on the control socket.</summary>
public sealed class ControlUnavailableException(string path, string reason)
    : Exception($"Failed to connect to the summon manager at {path}: {reason}. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?")
{
    public string SocketPath { get; } = path;
}
