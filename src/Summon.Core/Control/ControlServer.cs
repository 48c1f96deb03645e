using System.Text.Json;
using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>
/// The manager side of the control socket: a stream socket (mode 0600) under the runtime directory. Its owner watches
/// <see cref="Listener"/> and calls <see cref="AcceptPending"/> when it is readable (the manager's event loop does, so
/// an idle daemon keeps no accept thread); each client is then read and answered on a pool thread through the
/// <see cref="IControlHandler"/>. Peers are checked with SO_PEERCRED: root, or the manager's own user.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private const int MaxRequestBytes = 1 << 20;
    private const int IoTimeoutMs = 10_000;
    private const int Backlog = 64;
    private readonly ListeningSocket _listener;
    private readonly IControlHandler _handler;
    private readonly uint _ownUid;
    private volatile bool _disposed;

    private ControlServer(string path, ListeningSocket listener, IControlHandler handler, uint ownUid)
    {
        Path = path;
        _listener = listener;
        _handler = handler;
        _ownUid = ownUid;
    }

    public string Path { get; }

    /// <summary>The listening socket (non-blocking): readable when connections are pending.</summary>
    public SafeFdHandle Listener => _listener.Handle;

    /// <summary>
    /// Binds the control socket; fails if another manager is already answering on it
    /// (<see cref="InvalidOperationException"/>) or a socket call fails (<see cref="ErrnoException"/>).
    /// </summary>
    public static ControlServer Start(string path, uint ownUid, IControlHandler handler)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            if (IsAnswering(path))
                throw new InvalidOperationException($"Another summon manager is already running on {path}.");
            File.Delete(path);
        }
        var listener = UnixStream.Listen(path, Convert.ToUInt32("600", 8), Backlog);
        return new ControlServer(path, listener, handler, ownUid);
    }

    /// <summary>Whether a manager accepts connections on <paramref name="path"/> (a stale socket file refuses them).</summary>
    private static bool IsAnswering(string path)
    {
        try
        {
            using var probe = UnixStream.Connect(path);
            return true;
        }
        catch (ErrnoException)
        {
            return false;
        }
    }

    /// <summary>Accepts what is pending (a bounded batch: epoll is level-triggered and comes back for more).</summary>
    public void AcceptPending()
    {
        for (int i = 0; i < 16 && !_disposed; i++)
        {
            var client = UnixStream.TryAccept(_listener.Handle, out int errno);
            if (client is null)
            {
                if (errno == Errno.ECONNABORTED)   // accept4 retries EINTR itself
                    continue;
                return;   // EAGAIN: nothing left; anything else (EMFILE...) is retried on the next readiness
            }
            // Each client on its own pool thread: a `start` waiting for READY=1 must not hold up a `status`.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Server.ServeAndClose(state.Client), (Server: this, Client: client), preferLocal: false);
        }
    }

    private void ServeAndClose(UnixStream client)
    {
        using (client)
        {
            try
            {
                Serve(client);
            }
            catch (Exception e) when (e is ErrnoException or JsonException)
            {
                // A client that went away or sent garbage affects only itself.
            }
        }
    }

    private void Serve(UnixStream client)
    {
        client.SetTimeouts(IoTimeoutMs);   // a job may take long (TimeoutStartSec=); only reading the request is bounded
        if (!IsAuthorized(client))
        {
            Reply(client, new ControlReply { Errors = { "Access denied: the summon manager accepts requests from root and its own user only." } });
            return;
        }

        var request = ReadRequest(client);
        if (request is null)
            return;
        ControlReply reply;
        try
        {
            reply = _handler.HandleAsync(request).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            reply = new ControlReply { Errors = { $"Failed to {request.Method}: {e.Message}" } };
        }
        _handler.BeforeReply();
        Reply(client, reply);
    }

    private bool IsAuthorized(UnixStream client) => client.TryGetPeer(out var peer) && (peer.Uid == 0 || peer.Uid == _ownUid);

    /// <summary>The request line (up to its newline, or the end of the stream); null when there is none or it is too long.</summary>
    private static ControlRequest? ReadRequest(UnixStream client)
    {
        var buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', 0, length);
            if (newline >= 0)
                return ControlCodec.DecodeRequest(buffer.AsSpan(0, newline));
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxRequestBytes)
                    return null;
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            int n = client.Receive(buffer.AsSpan(length));
            if (n == 0)
                return length == 0 ? null : ControlCodec.DecodeRequest(buffer.AsSpan(0, length));
            length += n;
        }
    }

    private static void Reply(UnixStream client, ControlReply reply) => client.SendAll(ControlCodec.EncodeReplyLine(reply));

    /// <summary>Stops accepting and removes the socket's node. The owner stops watching <see cref="Listener"/> first.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _listener.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
