using System.Net.Sockets;
using System.Text;
using System.Text.Json;

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
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
        socket.Send(payload);
        socket.Send("\n"u8);
        socket.Shutdown(SocketShutdown.Send);

        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length == 0)
            throw new ControlUnavailableException(SocketPath, "Connection closed by the manager");
        return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ControlJsonContext.Default.ControlReply)
            ?? throw new ControlUnavailableException(SocketPath, "Empty reply");
    }
}

/// <summary>No manager listens on the control socket.</summary>
public sealed class ControlUnavailableException(string path, string reason)
    : Exception($"Failed to connect to the summon manager at {path}: {reason}. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?")
{
    public string SocketPath { get; } = path;
}
