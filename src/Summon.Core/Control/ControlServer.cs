using System.Net.Sockets;
using System.Text.Json;

namespace Summon.Control;

/// <summary>
/// The manager side of the control socket: a stream socket (mode 0600) under the runtime directory. One thread
/// accepts and reads requests; each request runs on the manager's event loop through <c>dispatch</c>, so the
/// manager's state is only ever touched there. Peers are checked with SO_PEERCRED: root, or the manager's own user.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private const int MaxRequestBytes = 1 << 20;
    private readonly Socket _listener;
    private readonly Func<ControlRequest, Task<ControlReply>> _dispatch;
    private readonly Action? _beforeReply;
    private readonly Thread _thread;
    private readonly uint _ownUid;
    private volatile bool _disposed;

    private ControlServer(string path, Socket listener, Func<ControlRequest, Task<ControlReply>> dispatch, uint ownUid, Action? beforeReply)
    {
        Path = path;
        _listener = listener;
        _dispatch = dispatch;
        _beforeReply = beforeReply;
        _ownUid = ownUid;
        _thread = new Thread(AcceptLoop) { IsBackground = true, Name = "summon control" };
    }

    public string Path { get; }

    /// <summary>
    /// Binds the control socket; fails if another manager is already answering on it. <paramref name="beforeReply"/>
    /// runs on the client's thread after each request is handled and before its reply is written (the daemon flushes
    /// the journal there, so whatever a request logged can be read as soon as its reply arrives).
    /// </summary>
    public static ControlServer Start(string path, uint ownUid, Func<ControlRequest, Task<ControlReply>> dispatch, Action? beforeReply = null)
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
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var server = new ControlServer(path, listener, dispatch, ownUid, beforeReply);
        server._thread.Start();
        return server;
    }

    private static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            // Each client on its own pool thread: a `start` waiting for READY=1 must not hold up a `status`.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Server.ServeAndClose(state.Client), (Server: this, Client: client), preferLocal: false);
        }
    }

    private void ServeAndClose(Socket client)
    {
        using (client)
        {
            try
            {
                Serve(client);
            }
            catch (Exception e) when (e is SocketException or IOException or JsonException or ObjectDisposedException)
            {
                // A client that went away or sent garbage affects only itself.
            }
        }
    }

    private void Serve(Socket client)
    {
        client.ReceiveTimeout = 10_000;
        client.SendTimeout = 10_000;   // a job may take long (TimeoutStartSec=); only reading the request is bounded
        if (!IsAuthorized(client))
        {
            Reply(client, new ControlReply { ExitCode = 1, Errors = { "Access denied: the summon manager accepts requests from root and its own user only." } });
            return;
        }

        var request = ReadRequest(client);
        if (request is null)
            return;
        ControlReply reply;
        try
        {
            reply = _dispatch(request).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            reply = new ControlReply { ExitCode = 1, Errors = { $"Failed to {request.Method}: {e.Message}" } };
        }
        _beforeReply?.Invoke();
        Reply(client, reply);
    }

    private bool IsAuthorized(Socket client)
    {
        Span<byte> cred = stackalloc byte[12];   // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int n = client.GetRawSocketOption(1 /* SOL_SOCKET */, 17 /* SO_PEERCRED */, cred);
        if (n < 12)
            return false;
        uint uid = BitConverter.ToUInt32(cred[4..8]);
        return uid == 0 || uid == _ownUid;
    }

    private static ControlRequest? ReadRequest(Socket client)
    {
        var buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', 0, length);
            if (newline >= 0)
                return JsonSerializer.Deserialize(buffer.AsSpan(0, newline), ControlJsonContext.Default.ControlRequest);
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxRequestBytes)
                    return null;
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            int n = client.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
            if (n == 0)
                return length == 0 ? null : JsonSerializer.Deserialize(buffer.AsSpan(0, length), ControlJsonContext.Default.ControlRequest);
            length += n;
        }
    }

    private static void Reply(Socket client, ControlReply reply)
    {
        client.Send(JsonSerializer.SerializeToUtf8Bytes(reply, ControlJsonContext.Default.ControlReply));
        client.Send("\n"u8);
    }

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
