using System.Net.Sockets;
using System.Text;

namespace Summon.Control;

/// <summary>The CLI side: one connection per request, one JSON line each way.</summary>
public sealed class ControlClient(string socketPath)
{
    public string SocketPath { get; } = socketPath;

    /// <summary>Sends the request; throws <see cref="ControlUnavailableException"/> when no manager answers.</summary>
    public ControlReply Send(ControlRequest request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException e)
        {
            throw new ControlUnavailableException(SocketPath, e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "No such file or directory",
                SocketError.ConnectionRefused => "Connection refused",
                SocketError.AccessDenied => "Permission denied",
                _ => e.Message,
            });
        }
        byte[] payload = ControlClientCodec.Encode(request);
        socket.Send(payload);
        socket.Send("\n"u8);
        socket.Shutdown(SocketShutdown.Send);

        var buffer = new byte[16 * 1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            int n = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
            if (n == 0)
                break;
            length += n;
        }
        if (length == 0)
            throw new ControlUnavailableException(SocketPath, "Connection closed by the manager");
        return ControlClientCodec.DecodeReply(buffer.AsSpan(0, length))
            ?? throw new ControlUnavailableException(SocketPath, "Empty reply");
    }
}

/// <summary>No manager listens on the control socket.</summary>
public sealed class ControlUnavailableException(string path, string reason)
    : Exception($"Failed to connect to the summon manager at {path}: {reason}. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?")
{
    public string SocketPath { get; } = path;
}
