using System.Text.Json;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Control;

/// <summary>
/// One control client of <see cref="ControlServer"/>, from accept to close, on a non-blocking socket: its request line
/// is read as it arrives, its reply written as the client takes it; nothing here waits. The server keeps its phase,
/// deadline and place in the queue of clients it waits on.
/// </summary>
internal sealed class ControlConnection(SafeFdHandle handle, ulong token) : IDisposable
{
    private const int MaxRequestBytes = 1 << 20;

    private byte[] _buffer = new byte[1024];
    private int _length;
    private byte[]? _reply;
    private int _sent;

    public SafeFdHandle Handle { get; } = handle;

    /// <summary>Its key in the server's epoll set.</summary>
    public ulong Token { get; } = token;

    public ControlConnectionPhase Phase { get; set; }

    /// <summary>When the client's time runs out (a <see cref="TimeProvider"/> timestamp), while it is waited on.</summary>
    public long Deadline { get; set; }

    /// <summary>Its node in the server's queue of clients it waits on, oldest deadline first; null while handled.</summary>
    public LinkedListNode<ControlConnection>? Waiting { get; set; }

    /// <summary>
    /// Reads what has arrived. <paramref name="request"/> is set once the whole line is there (or the client ended the
    /// stream after it); false when the client is done without a valid request: it closed, failed, sent a line that is
    /// not a request, or more than a request may hold. True with a null request: more is to come.
    /// </summary>
    public unsafe bool TryReceive(out ControlRequest? request)
    {
        request = null;
        while (true)
        {
            if (_length == _buffer.Length)
            {
                if (_buffer.Length >= MaxRequestBytes)
                    return false;
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            nint n;
            fixed (byte* p = _buffer)
                n = Libc.Read(Handle, p + _length, _buffer.Length - _length);
            if (n < 0)
                return Errno.Last == Errno.EAGAIN;
            if (n == 0)
                return _length > 0 && TryDecode(_length, out request);
            int newline = Array.IndexOf(_buffer, (byte)'\n', _length, (int)n);
            _length += (int)n;
            if (newline >= 0)
                return TryDecode(newline, out request);
        }
    }

    private bool TryDecode(int length, out ControlRequest? request)
    {
        try
        {
            request = ControlCodec.DecodeRequest(_buffer.AsSpan(0, length));
        }
        catch (JsonException)
        {
            request = null;   // garbage affects only the client that sent it
        }
        _buffer = [];
        return request is not null;
    }

    /// <summary>What runs on the server's thread once the reply is written or the client is gone (<see cref="ControlReply.AfterSent"/>).</summary>
    public Action? AfterSent { get; set; }

    /// <summary>Takes the reply to write with <see cref="TrySend"/>.</summary>
    public void SetReply(byte[] reply)
    {
        _reply = reply;
        _sent = 0;
    }

    /// <summary>Writes what the socket takes of the reply: true once it is all written, false while some is left; throws when the client has gone.</summary>
    public unsafe bool TrySend()
    {
        var reply = _reply ?? throw new InvalidOperationException("No reply to send.");
        fixed (byte* p = reply)
        {
            while (_sent < reply.Length)
            {
                nint n = Libc.Send(Handle, p + _sent, reply.Length - _sent, Libc.MSG_NOSIGNAL);
                if (n < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EAGAIN)
                        return false;
                    throw new ErrnoException("send", errno);
                }
                _sent += (int)n;
            }
        }
        return true;
    }

    /// <summary>
    /// Writes one line if the socket takes it at once (a short line into an empty socket buffer does), for a client that
    /// is turned away; nothing is reported when it does not.
    /// </summary>
    public unsafe void SendLine(ReadOnlySpan<byte> line)
    {
        fixed (byte* p = line)
            Libc.Send(Handle, p, line.Length, Libc.MSG_NOSIGNAL);
    }

    /// <summary>
    /// Closes the connection after reading what the client sent and was not read (a bounded amount): a Unix socket
    /// closed with unread bytes makes the peer's next read fail with ECONNRESET, before it reads its end of stream, and
    /// the CLI would report that instead of a reply it was written.
    /// </summary>
    public unsafe void Dispose()
    {
        if (Handle.IsClosed)
            return;
        byte* scratch = stackalloc byte[4096];
        for (int i = 0; i < 16 && Libc.Read(Handle, scratch, 4096) > 0; i++)
        {
        }
        Handle.Dispose();
    }
}
