using System.Text;
using System.Text.Json;
using Summon.Interop;
using Summon.Manager;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>
/// The manager side of the control socket: a stream socket (mode 0600) under the runtime directory. The manager's
/// event loop watches the listening fd and accepts; each client is then read and answered on a pool thread, and its
/// request runs on the event loop through <c>dispatch</c>, so the manager's state is only ever touched there. Peers
/// are checked with SO_PEERCRED: root, or the manager's own user. Plain socket calls on raw fds: System.Net.Sockets
/// would keep its own epoll thread (".NET Sockets") and an accept thread alive in an otherwise idle daemon.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private const int MaxRequestBytes = 1 << 20;
    private const int IoTimeoutMs = 10_000;
    private readonly SafeFdHandle _listener;
    private readonly EventLoop _loop;
    private readonly Func<ControlRequest, Task<ControlReply>> _dispatch;
    private readonly Action? _beforeReply;
    private readonly uint _ownUid;
    private readonly ulong _token;
    private bool _disposed;

    private ControlServer(string path, SafeFdHandle listener, EventLoop loop, Func<ControlRequest, Task<ControlReply>> dispatch, uint ownUid, Action? beforeReply)
    {
        Path = path;
        _listener = listener;
        _loop = loop;
        _dispatch = dispatch;
        _beforeReply = beforeReply;
        _ownUid = ownUid;
        _token = loop.Register(listener, Libc.EPOLLIN, _ => AcceptPending());
    }

    public string Path { get; }

    /// <summary>
    /// Binds the control socket and has <paramref name="loop"/> accept on it; fails if another manager is already
    /// answering on it (<see cref="InvalidOperationException"/>) or a socket call fails (<see cref="ErrnoException"/>).
    /// <paramref name="beforeReply"/> runs on the client's thread after each request is handled and before its reply
    /// is written (the daemon flushes the journal there, so whatever a request logged can be read as soon as its
    /// reply arrives). Call on the loop's thread before it runs, and dispose there after it stopped.
    /// </summary>
    public static ControlServer Start(string path, uint ownUid, EventLoop loop, Func<ControlRequest, Task<ControlReply>> dispatch, Action? beforeReply = null)
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
        var listener = Open(path, out int errno);
        if (listener.IsInvalid)
            throw new ErrnoException("socket", errno);
        try
        {
            if (!Bind(listener, path, out errno))
                throw new ErrnoException("bind", errno);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (Libc.Listen(listener, 64) != 0)
                throw ErrnoException.FromLast("listen");
            return new ControlServer(path, listener, loop, dispatch, ownUid, beforeReply);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static SafeFdHandle Open(string path, out int errno)
    {
        errno = 0;
        var fd = new SafeFdHandle(Libc.Socket(Libc.AF_UNIX, SocketKind.Stream, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK));
        if (fd.IsInvalid)
            errno = Errno.Last;
        return fd;
    }

    private static unsafe bool Bind(SafeFdHandle fd, string path, out int errno)
    {
        errno = 0;
        if (Encoding.UTF8.GetByteCount(path) >= SockAddr.UnixPathMax)
        {
            errno = Errno.ENAMETOOLONG;
            return false;
        }
        Span<byte> address = stackalloc byte[SockAddr.MaxLength];
        int length = SockAddr.Encode(ListenAddress.UnixPath(path), address);
        fixed (byte* p = address)
        {
            if (Libc.Bind(fd, p, length) == 0)
                return true;
        }
        errno = Errno.Last;
        return false;
    }

    /// <summary>Whether a manager accepts connections on <paramref name="path"/> (a stale socket file refuses them).</summary>
    private static unsafe bool IsAnswering(string path)
    {
        if (Encoding.UTF8.GetByteCount(path) >= SockAddr.UnixPathMax)
            return false;
        Span<byte> address = stackalloc byte[SockAddr.MaxLength];
        int length = SockAddr.Encode(ListenAddress.UnixPath(path), address);
        using var probe = new SafeFdHandle(Libc.Socket(Libc.AF_UNIX, SocketKind.Stream, Libc.SOCK_CLOEXEC));
        if (probe.IsInvalid)
            return false;
        int rc;
        fixed (byte* p = address)
        {
            do
                rc = Libc.Connect(probe, p, length);
            while (rc != 0 && Errno.Last == Errno.EINTR);
        }
        return rc == 0;
    }

    /// <summary>On the loop: accepts what is pending (a bounded batch; epoll is level-triggered and comes back for more).</summary>
    private unsafe void AcceptPending()
    {
        for (int i = 0; i < 16 && !_disposed; i++)
        {
            int fd = Libc.Accept4(_listener, null, null, Libc.SOCK_CLOEXEC);   // the connection itself blocks
            if (fd < 0)
            {
                int errno = Errno.Last;
                if (errno is Errno.EINTR or Errno.ECONNABORTED)
                    continue;
                return;   // EAGAIN: nothing left; anything else (EMFILE...) is retried on the next readiness
            }
            // Each client on its own pool thread: a `start` waiting for READY=1 must not hold up a `status`.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Server.ServeAndClose(state.Client), (Server: this, Client: new SafeFdHandle(fd)), preferLocal: false);
        }
    }

    private void ServeAndClose(SafeFdHandle client)
    {
        using (client)
        {
            try
            {
                Serve(client);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // A client that went away or sent garbage affects only itself.
            }
        }
    }

    private void Serve(SafeFdHandle client)
    {
        Libc.SetSocketTimeout(client, Libc.SO_RCVTIMEO, IoTimeoutMs);
        Libc.SetSocketTimeout(client, Libc.SO_SNDTIMEO, IoTimeoutMs);   // a job may take long (TimeoutStartSec=); only reading the request is bounded
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

    private unsafe bool IsAuthorized(SafeFdHandle client)
    {
        Span<byte> cred = stackalloc byte[12];   // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int length = cred.Length;
        fixed (byte* p = cred)
        {
            if (Libc.GetSockOpt(client, Libc.SOL_SOCKET, Libc.SO_PEERCRED, p, &length) != 0 || length < 12)
                return false;
        }
        uint uid = BitConverter.ToUInt32(cred[4..8]);
        return uid == 0 || uid == _ownUid;
    }

    private static ControlRequest? ReadRequest(SafeFdHandle client)
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
            int n = Receive(client, buffer.AsSpan(length));
            if (n == 0)
                return length == 0 ? null : JsonSerializer.Deserialize(buffer.AsSpan(0, length), ControlJsonContext.Default.ControlRequest);
            length += n;
        }
    }

    private static unsafe int Receive(SafeFdHandle client, Span<byte> into)
    {
        fixed (byte* p = into)
        {
            while (true)
            {
                nint n = Libc.Read(client, p, into.Length);
                if (n >= 0)
                    return (int)n;
                int errno = Errno.Last;
                if (errno != Errno.EINTR)
                    throw new IOException(Errno.Describe(errno));   // EAGAIN: SO_RCVTIMEO ran out
            }
        }
    }

    private static void Reply(SafeFdHandle client, ControlReply reply)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(reply, ControlJsonContext.Default.ControlReply);
        SendAll(client, json);
        SendAll(client, "\n"u8);
    }

    private static unsafe void SendAll(SafeFdHandle client, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int sent = 0;
            while (sent < data.Length)
            {
                nint n = Libc.Send(client, p + sent, data.Length - sent, Libc.MSG_NOSIGNAL);
                if (n >= 0)
                {
                    sent += (int)n;
                    continue;
                }
                int errno = Errno.Last;
                if (errno != Errno.EINTR)
                    throw new IOException(Errno.Describe(errno));
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _loop.Unregister(_token);
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
