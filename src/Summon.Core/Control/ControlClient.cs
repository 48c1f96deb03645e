using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>The CLI side: one connection per request, one JSON line each way.</summary>
internal sealed class ControlClient(string socketPath)
{
    public string SocketPath { get; } = socketPath;

    /// <summary>How long a send or a read may wait; null: as long as the manager takes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Sends the request; throws <see cref="ControlUnavailableException"/> when no manager answers.</summary>
    public ControlReply Send(ControlRequest request)
    {
        byte[] payload = ControlCodec.EncodeRequestLine(request);
        var buffer = new byte[16 * 1024];
        int length = 0;
        try
        {
            using var connection = UnixStream.Connect(SocketPath);
            if (Timeout is { } timeout)
                connection.SetTimeouts((int)timeout.TotalMilliseconds);
            if (TrySend(connection, payload))
                connection.ShutdownWrite();
            while (true)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                int n = connection.Receive(buffer.AsSpan(length));
                if (n == 0)
                    break;
                length += n;
            }
        }
        catch (ErrnoException e)
        {
            throw new ControlUnavailableException(SocketPath, e.Reason);
        }
        if (length == 0)
            throw new ControlUnavailableException(SocketPath, "Connection closed by the manager");
        return ControlCodec.DecodeReply(buffer.AsSpan(0, length))
            ?? throw new ControlUnavailableException(SocketPath, "Empty reply");
    }

    /// <summary>
    /// Sends the request; false when the manager closed the connection first (it refuses some clients as soon as it
    /// accepts them), whose one-line reason is then still there to read.
    /// </summary>
    private static bool TrySend(UnixStream connection, byte[] payload)
    {
        try
        {
            connection.SendAll(payload);
            return true;
        }
        catch (ErrnoException e) when (e.Number is Errno.EPIPE or Errno.ECONNRESET)
        {
            return false;
        }
    }
}
