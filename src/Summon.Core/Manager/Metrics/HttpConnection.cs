using System.Buffers;
using Summon.Interop;

namespace Summon.Manager.Metrics;

/// <summary>
/// One client of the metrics endpoint: its fd, its phase (reading a request or writing a response) and deadline, and the
/// bytes it holds only when it must: a request that arrived in pieces, or the unsent rest of a response (pooled arrays,
/// returned when done). A client that sends its request whole and reads its response at once holds no buffer.
/// </summary>
internal sealed class HttpConnection(SafeFdHandle fd) : IDisposable
{
    public SafeFdHandle Fd { get; } = fd;

    public ulong Token { get; set; }

    public bool Writing { get; private set; }

    /// <summary>Whether to keep the connection once the response in flight is written.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Its place in the endpoint's deadline order.</summary>
    public LinkedListNode<HttpConnection>? DeadlineNode { get; set; }

    /// <summary>When the current phase must be over (a loop timestamp).</summary>
    public long Deadline { get; set; }

    private byte[]? _received;
    private int _receivedLength;
    private byte[]? _unsent;
    private int _unsentOffset, _unsentLength;

    /// <summary>Request bytes held from earlier reads (a partial head, or pipelined requests behind a response).</summary>
    public ReadOnlySpan<byte> Received => _received is null ? [] : _received.AsSpan(0, _receivedLength);

    /// <summary>Room for the next read after the bytes held; empty when nothing is held (read into the shared buffer).</summary>
    public Span<byte> ReceiveRoom(int limit)
    {
        if (_received is null)
            return [];
        return _received.AsSpan(_receivedLength, limit - _receivedLength);
    }

    public void AddReceived(int count) => _receivedLength += count;

    /// <summary>Keeps <paramref name="rest"/> (which may lie in the held bytes themselves) for later.</summary>
    public void Keep(ReadOnlySpan<byte> rest, int limit)
    {
        if (rest.IsEmpty)
        {
            ReleaseReceived();
            return;
        }
        _received ??= ArrayPool<byte>.Shared.Rent(limit);
        rest.CopyTo(_received);
        _receivedLength = rest.Length;
    }

    /// <summary>Starts writing <paramref name="response"/>: what the socket takes now is sent, the rest is copied to send later.
    /// True when all of it went out.</summary>
    public unsafe bool Send(ReadOnlySpan<byte> response, out int errno)
    {
        errno = 0;
        int sent = 0;
        while (sent < response.Length)
        {
            nint n;
            fixed (byte* p = response[sent..])
                n = Libc.Send(Fd, p, response.Length - sent, Libc.MSG_NOSIGNAL);
            if (n < 0)
            {
                errno = Posix.Errno.Last;
                if (errno != Posix.Errno.EAGAIN)
                    return false;
                errno = 0;
                break;
            }
            sent += (int)n;
        }
        if (sent == response.Length)
            return true;
        _unsentLength = response.Length - sent;
        _unsent = ArrayPool<byte>.Shared.Rent(_unsentLength);
        response[sent..].CopyTo(_unsent);
        _unsentOffset = 0;
        Writing = true;
        return false;
    }

    /// <summary>Sends more of the held response; true once all is sent (errno set on a broken connection).</summary>
    public unsafe bool Flush(out int errno)
    {
        errno = 0;
        while (_unsentOffset < _unsentLength)
        {
            nint n;
            fixed (byte* p = &_unsent![_unsentOffset])
                n = Libc.Send(Fd, p, _unsentLength - _unsentOffset, Libc.MSG_NOSIGNAL);
            if (n < 0)
            {
                errno = Posix.Errno.Last;
                if (errno == Posix.Errno.EAGAIN)
                    errno = 0;
                return false;
            }
            _unsentOffset += (int)n;
        }
        ReleaseUnsent();
        Writing = false;
        return true;
    }

    private void ReleaseReceived()
    {
        if (_received is not null)
            ArrayPool<byte>.Shared.Return(_received);
        _received = null;
        _receivedLength = 0;
    }

    private void ReleaseUnsent()
    {
        if (_unsent is not null)
            ArrayPool<byte>.Shared.Return(_unsent);
        _unsent = null;
        _unsentOffset = _unsentLength = 0;
    }

    public void Dispose()
    {
        ReleaseReceived();
        ReleaseUnsent();
        Fd.Dispose();
    }
}
