using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>One sd_notify datagram: the sender's credentials (SCM_CREDENTIALS), its text and any fds it passed.</summary>
internal sealed record NotifyMessage(int Pid, uint Uid, string Text, IReadOnlyList<SafeFdHandle> Fds);

/// <summary>
/// The manager's sd_notify(3) endpoint: an AF_UNIX datagram socket with SO_PASSCRED, so that the kernel attaches
/// the sender's pid to every message (the manager attributes messages to units by pid). Messages larger than 4096
/// bytes, with embedded NULs, or without credentials are dropped, as systemd does.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    public const int MaxMessage = 4096;
    private const int MaxFds = 768;

    /// <summary>Room for one SCM_CREDENTIALS and one SCM_RIGHTS message of up to <see cref="MaxFds"/> fds.</summary>
    private static readonly unsafe int ControlSize = (int)(Libc.CmsgSpace((nuint)sizeof(Libc.UCred)) + Libc.CmsgSpace(MaxFds * sizeof(int)));

    private NotifySocket(SafeFdHandle handle, string path)
    {
        Handle = handle;
        Path = path;
    }

    public SafeFdHandle Handle { get; }

    public string Path { get; }

    /// <summary>The socket a re-exec carried (SO_PASSCRED and its node kept); null when the fd is not a datagram socket bound to <paramref name="path"/>.</summary>
    public static NotifySocket? Carried(SafeFdHandle fd, string path) =>
        ListeningSocket.Adopt(fd, ListenAddress.UnixPath(path), SocketKind.Datagram, sameAddress: true, out _) is { } socket ? new NotifySocket(socket.Handle, path) : null;

    public static NotifySocket Open(string path)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            File.Delete(path);
        var socket = ListeningSocket.Open(ListenAddress.UnixPath(path), SocketKind.Datagram, ListenOptions.Default with { SocketMode = Convert.ToUInt32("777", 8) });
        if (Libc.SetSockOptInt(socket.Handle, Libc.SOL_SOCKET, Libc.SO_PASSCRED, 1) < 0)
        {
            socket.Dispose();
            throw ErrnoException.FromLast("setsockopt(SO_PASSCRED)");
        }
        return new NotifySocket(socket.Handle, path);
    }

    /// <summary>Receives one pending message; null when none is pending. Malformed messages are returned as Text = null-free "" with Pid 0.</summary>
    public unsafe NotifyMessage? TryReceive(out string? rejection)
    {
        rejection = null;
        byte* data = stackalloc byte[MaxMessage + 1];
        byte* control = stackalloc byte[ControlSize];
        var iov = new Libc.IoVec { Base = data, Length = MaxMessage + 1 };
        var msg = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)ControlSize };
        nint n = Libc.RecvMsg(Handle, &msg, Libc.MSG_DONTWAIT | Libc.MSG_CMSG_CLOEXEC | Libc.MSG_TRUNC);
        if (n < 0)
            return null;

        int pid = 0;
        uint uid = 0;
        bool haveCredentials = false;
        var fds = new List<SafeFdHandle>();
        for (nuint offset = 0; offset + (nuint)sizeof(Libc.CmsgHdr) <= msg.ControlLength;)
        {
            var header = (Libc.CmsgHdr*)(control + offset);
            if (header->Length < (nuint)sizeof(Libc.CmsgHdr))
                break;
            byte* payload = Libc.CmsgData(header);
            int payloadLength = (int)(header->Length - Libc.CmsgLen(0));
            if (header->Level == Libc.SOL_SOCKET && header->Type == Libc.SCM_CREDENTIALS && payloadLength >= sizeof(Libc.UCred))
            {
                var credentials = (Libc.UCred*)payload;
                pid = credentials->Pid;
                uid = credentials->Uid;
                haveCredentials = true;
            }
            else if (header->Level == Libc.SOL_SOCKET && header->Type == Libc.SCM_RIGHTS)
            {
                for (int i = 0; i + sizeof(int) <= payloadLength; i += sizeof(int))
                    fds.Add(new SafeFdHandle(*(int*)(payload + i)));
            }
            offset += Libc.CmsgAlign(header->Length);
        }

        if (n > MaxMessage || (msg.Flags & Libc.MSG_TRUNC) != 0)
            rejection = "Received notify message exceeded maximum size. Ignoring.";
        else if (!haveCredentials || pid <= 0)
            rejection = "Received notify message without valid credentials. Ignoring.";
        var text = new ReadOnlySpan<byte>(data, (int)Math.Min(n, MaxMessage));
        if (rejection is null && text.Length > 0 && text[^1] == 0)
            text = text[..^1];   // one trailing NUL is tolerated
        if (rejection is null && text.IndexOf((byte)0) >= 0)
            rejection = "Received notify message with embedded NUL bytes. Ignoring.";
        if (rejection is not null)
        {
            foreach (var fd in fds)
                fd.Dispose();
            return new NotifyMessage(pid, uid, "", []);
        }
        return new NotifyMessage(pid, uid, Encoding.UTF8.GetString(text), fds);
    }

    public void Dispose()
    {
        Handle.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
