using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// One bound, listening (or, for datagrams, bound) socket. Created like systemd's socket_address_listen():
/// SOCK_CLOEXEC|SOCK_NONBLOCK, SO_REUSEADDR always, IPV6_V6ONLY only when configured, stale AF_UNIX nodes
/// replaced, parent directories created with DirectoryMode and the node given SocketMode.
/// The fd stays CLOEXEC: a child gets it only through an explicit dup2 at spawn.
/// </summary>
internal sealed class ListeningSocket : IDisposable
{
    private ListeningSocket(SafeFdHandle handle, ListenAddress address, SocketKind? kind)
    {
        Handle = handle;
        Address = address;
        Kind = kind;
    }

    public SafeFdHandle Handle { get; }

    public ListenAddress Address { get; }

    /// <summary>The socket's type; null for a FIFO (ListenFIFO=).</summary>
    public SocketKind? Kind { get; }

    public bool IsStream => Kind is SocketKind.Stream or SocketKind.SequentialPacket;

    /// <summary>
    /// The inode of the open socket (or FIFO), 0 when fstat fails: with the address it tells this socket from any other
    /// fd a process may hold at the same number, so a successor can check what it takes back (<see cref="TakeOver"/>).
    /// An fd's inode never changes: it is read once.
    /// </summary>
    public ulong Inode => _inode != 0 ? _inode : _inode = ReadInode(Handle);

    private ulong _inode;

    private static unsafe ulong ReadInode(SafeFdHandle handle)
    {
        byte* buffer = stackalloc byte[256];
        return Libc.Fstat(handle, buffer) < 0 ? 0 : *(ulong*)(buffer + 8);
    }

    /// <summary>
    /// A listening socket taken back from a surviving service (pidfd_getfd) after the manager that bound it crashed:
    /// it is used only when it is that very socket — the inode recorded when it was bound, the socket type and local
    /// address the unit asks for, still listening — else <paramref name="fd"/> is closed and the mismatch returned
    /// in <paramref name="why"/>.
    /// </summary>
    public static ListeningSocket? TakeOver(SafeFdHandle fd, ListenAddress address, SocketKind? kind, ulong inode, out string why)
    {
        var socket = new ListeningSocket(fd, address, kind);
        ulong actual = socket.Inode;
        if (inode == 0 || actual != inode)
            why = $"inode {actual} is not the recorded {inode}";
        else
            why = kind is { } expected ? Mismatch(fd, address, expected) : "";
        if (why.Length == 0)
            return socket;
        socket.Dispose();
        return null;
    }

    /// <summary>
    /// A listening socket handed to the manager by its own parent (LISTEN_FDS, docs/extensions.md): used when it is of
    /// <paramref name="kind"/>, listening, and (with <paramref name="sameAddress"/>) bound to <paramref name="address"/>;
    /// made non-blocking and close-on-exec as the manager's own are. Else <paramref name="fd"/> is left open and the
    /// mismatch returned in <paramref name="why"/>.
    /// </summary>
    public static ListeningSocket? Adopt(SafeFdHandle fd, ListenAddress address, SocketKind kind, bool sameAddress, out string why)
    {
        why = Mismatch(fd, sameAddress ? address : null, kind);
        if (why.Length > 0)
            return null;
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0 || Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
        {
            why = "fcntl: " + Errno.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            return null;
        }
        return new ListeningSocket(fd, address, kind);
    }

    /// <summary>Why the socket <paramref name="fd"/> is not a <paramref name="kind"/> socket listening on <paramref name="address"/> (any address when null); empty when it is.</summary>
    private static unsafe string Mismatch(SafeFdHandle fd, ListenAddress? address, SocketKind kind)
    {
        int type = 0, accepting = 0, size = sizeof(int);
        if (Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_TYPE, &type, &size) < 0 || type != (int)kind)
            return $"socket type {type} is not {(int)kind}";
        if (kind is SocketKind.Stream or SocketKind.SequentialPacket && (Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN, &accepting, &size) < 0 || accepting == 0))
            return "it is not listening";
        if (address is not null && !HasLocalAddress(fd, address))
            return $"it is not bound to {address}";
        return "";
    }

    private static unsafe bool HasLocalAddress(SafeFdHandle fd, ListenAddress address)
    {
        Span<byte> expected = stackalloc byte[SockAddr.MaxLength];
        int expectedLength = SockAddr.Encode(address, expected);
        byte* actual = stackalloc byte[SockAddr.MaxLength];
        int length = SockAddr.MaxLength;
        if (Libc.GetSockName(fd, actual, &length) < 0)
            return false;
        return length == expectedLength && new ReadOnlySpan<byte>(actual, length).SequenceEqual(expected[..expectedLength]);
    }

    /// <summary>Opens the socket; throws <see cref="ErrnoException"/> with the failing call and errno.</summary>
    public static unsafe ListeningSocket Open(ListenAddress address, SocketKind kind, ListenOptions options)
    {
        int domain = address.Family switch
        {
            ListenFamily.Inet => Libc.AF_INET,
            ListenFamily.Inet6 => Libc.AF_INET6,
            ListenFamily.Unix or ListenFamily.UnixAbstract => Libc.AF_UNIX,
            _ => throw new ErrnoException("socket", Errno.EAFNOSUPPORT),
        };

        int fd = Libc.Socket(domain, kind, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK);
        if (fd < 0)
            throw ErrnoException.FromLast("socket");
        var handle = new SafeFdHandle(fd);
        try
        {
            if (domain == Libc.AF_INET6 && options.Ipv6Only is bool v6only)
                Check(Libc.SetSockOptInt(handle, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, v6only ? 1 : 0), "setsockopt(IPV6_V6ONLY)");
            if (domain != Libc.AF_UNIX)
            {
                if (options.ReusePort)
                    Libc.SetSockOptInt(handle, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1);      // failure only warns in systemd
                if (options.FreeBind)
                    Libc.SetSockOptInt(handle, domain == Libc.AF_INET ? 0 : Libc.IPPROTO_IPV6, domain == Libc.AF_INET ? 15 : 78, 1);
            }
            Check(Libc.SetSockOptInt(handle, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1), "setsockopt(SO_REUSEADDR)");

            Span<byte> sa = stackalloc byte[SockAddr.MaxLength];
            int len = SockAddr.Encode(address, sa);
            if (address.Family == ListenFamily.Unix)
                BindUnixPath(handle, address.Path!, sa, len, options);
            else
                fixed (byte* p = sa)
                    Check(Libc.Bind(handle, p, len), "bind");

            if (kind is SocketKind.Stream or SocketKind.SequentialPacket)
                Check(Libc.Listen(handle, options.Backlog), "listen");
            return new ListeningSocket(handle, address, kind);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Binds to a file-system path with the node at SocketMode. The process umask is never changed, because other
    /// threads create files meanwhile: the unbound socket's own mode makes bind(2) create the node at SocketMode less
    /// the umask, never more open than asked, and fchmodat then widens it to SocketMode exactly without following a
    /// symlink that could have replaced it.
    /// </summary>
    private static unsafe void BindUnixPath(SafeFdHandle fd, string path, Span<byte> sa, int len, ListenOptions options)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        string? dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            Directory.CreateDirectory(dir, (UnixFileMode)options.DirectoryMode);

        uint mode = options.SocketMode & 0x1FF;   // bind(2) gives a node permission bits only
        Check(Libc.Fchmod(fd, mode), "fchmod");
        fixed (byte* p = sa)
        {
            if (Libc.Bind(fd, p, len) != 0)
            {
                int err = Errno.Last;
                if (err != Errno.EADDRINUSE)
                    throw new ErrnoException("bind", err);
                // A node left over from an earlier run: systemd removes it before binding, never after stopping.
                Libc.Unlink(path);
                Check(Libc.Bind(fd, p, len), "bind");
            }
        }
        Widen(path, mode);
    }

    /// <summary>
    /// Gives the node we just bound exactly <paramref name="mode"/>, never following a symlink put in its place.
    /// glibc does AT_SYMLINK_NOFOLLOW through /proc/self/fd; where /proc is not mounted (a bare container's PID 1) it
    /// fails with EOPNOTSUPP, and the node is then changed by path once it is known not to be a symlink.
    /// </summary>
    private static void Widen(string path, uint mode)
    {
        if (Libc.Fchmodat(Libc.AT_FDCWD, path, mode, Libc.AT_SYMLINK_NOFOLLOW) == 0)
            return;
        int err = Errno.Last;
        if (err != Errno.EOPNOTSUPP || new FileInfo(path).LinkTarget is not null)
            throw new ErrnoException("fchmodat", err);
        Check(Libc.Fchmodat(Libc.AT_FDCWD, path, mode, 0), "fchmodat");
    }

    private static void Check(int rc, string call)
    {
        if (rc < 0)
            throw ErrnoException.FromLast(call);
    }

    /// <summary>
    /// ListenFIFO=: creates the FIFO (parents with DirectoryMode, the node with SocketMode) unless one is there
    /// already, and opens it O_RDWR|O_NONBLOCK so that it never reports EOF while no writer is connected.
    /// </summary>
    public static ListeningSocket OpenFifo(string path, ListenOptions options)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        string? dir = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            Directory.CreateDirectory(dir, (UnixFileMode)options.DirectoryMode);
        // As for a socket node: created at SocketMode less the umask, then widened through the fd we opened.
        uint mode = options.SocketMode;
        bool created = Libc.Mkfifo(path, mode) == 0;
        if (!created && Errno.Last != Errno.EEXIST)
            throw ErrnoException.FromLast("mkfifo");
        int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw ErrnoException.FromLast("open");
        var handle = new SafeFdHandle(fd);
        if (created && Libc.Fchmod(handle, mode) != 0)
        {
            int errno = Errno.Last;
            handle.Dispose();
            throw new ErrnoException("fchmod", errno);
        }
        return new ListeningSocket(handle, ListenAddress.UnixPath(path), null);
    }

    /// <summary>Backlog= changed by a reload: listen(2) again on a listening socket only changes its backlog.</summary>
    public void Relisten(int backlog)
    {
        if (IsStream)
            Check(Libc.Listen(Handle, backlog), "listen");
    }

    /// <summary>ReusePort= changed by a reload: the flag is read when another socket binds the port, so it applies to
    /// a bound socket too (the kernel makes the reuseport group when the second one joins).</summary>
    public void SetReusePort(bool on)
    {
        if (Address.Family is ListenFamily.Inet or ListenFamily.Inet6)
            Check(Libc.SetSockOptInt(Handle, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, on ? 1 : 0), "setsockopt(SO_REUSEPORT)");
    }

    /// <summary>SocketMode= changed by a reload: the node of a path socket (never through a symlink) or the FIFO's own fd.</summary>
    public void ChangeMode(uint mode)
    {
        if (Address.Family != ListenFamily.Unix)
            return;
        if (Kind is null)
            Check(Libc.Fchmod(Handle, mode & 0xFFF), "fchmod");
        else
            Widen(Address.Path!, mode & 0x1FF);
    }

    /// <summary>SocketUser=/SocketGroup=: the owner of the file-system node (uint.MaxValue leaves one unchanged).</summary>
    public void ChangeOwner(uint uid, uint gid)
    {
        if (Address.Family == ListenFamily.Unix && Libc.Chown(Address.Path!, uid, gid) < 0)
            throw ErrnoException.FromLast("chown");
    }

    /// <summary>Symlinks= to the socket's file-system node; failures are returned, not thrown (systemd only warns).</summary>
    public List<string> CreateSymlinks(IEnumerable<string> links)
    {
        var failures = new List<string>();
        foreach (var link in links)
        {
            try
            {
                string? dir = System.IO.Path.GetDirectoryName(link);
                if (!string.IsNullOrEmpty(dir))
                    Directory.CreateDirectory(dir);
                if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
                    File.Delete(link);
                File.CreateSymbolicLink(link, Address.Path!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"Failed to create symlink {link}: {e.Message}");
            }
        }
        return failures;
    }

    /// <summary>Removes the file-system node of an AF_UNIX path socket or FIFO, and its Symlinks= (RemoveOnStop=yes).</summary>
    public void RemoveNode(IEnumerable<string>? symlinks = null)
    {
        if (Address.Family != ListenFamily.Unix)
            return;
        Libc.Unlink(Address.Path!);
        foreach (var link in symlinks ?? [])
            Libc.Unlink(link);
    }

    public void Dispose() => Handle.Dispose();
}
