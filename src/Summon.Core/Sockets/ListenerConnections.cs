using System.Buffers;
using System.Globalization;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// What a listening socket has open right now, asked of the kernel without waiting on anyone: the established
/// connections whose local end is the listener's (accepted by a service or still in the accept queue), and whether
/// anything waits to be accepted or read. Inet counts come from NETLINK_SOCK_DIAG filtered by the listener's port in
/// the kernel (cheaper than /proc/net/tcp, which formats every socket of the machine: bench/idle-count.sh); Unix
/// counts from /proc/net/unix, where an accepted socket carries its listener's path.
/// </summary>
internal static class ListenerConnections
{
    /// <summary>
    /// Established connections on <paramref name="socket"/>'s address; null for a socket kind that has none (datagram,
    /// FIFO), or when the kernel cannot say (the caller must then treat the socket as busy).
    /// </summary>
    public static int? Established(ListeningSocket socket)
    {
        if (socket.Kind is not (SocketKind.Stream or SocketKind.SequentialPacket))
            return null;
        return socket.Address.Family switch
        {
            ListenFamily.Inet or ListenFamily.Inet6 => CountInet(socket),
            ListenFamily.Unix or ListenFamily.UnixAbstract => CountUnix(socket.Address),
            _ => null,
        };
    }

    /// <summary>True when a connection waits in the accept queue (or data in a datagram socket or FIFO): poll, no wait.</summary>
    public static bool HasWaiting(ListeningSocket socket)
    {
        int events = Libc.Poll(socket.Handle, Libc.POLLIN, 0);
        return events < 0 || (events & Libc.POLLIN) != 0;
    }

    private static unsafe int? CountInet(ListeningSocket socket)
    {
        byte* address = stackalloc byte[128];
        int length = 128;
        if (Libc.GetSockName(socket.Handle, address, &length) < 0)
            return null;
        ushort family = *(ushort*)address;
        ushort portNetworkOrder = *(ushort*)(address + 2);

        using var netlink = new SafeFdHandle(Libc.Socket(Libc.AF_NETLINK, SocketKind.Datagram, Libc.SOCK_CLOEXEC, Libc.NETLINK_SOCK_DIAG));
        if (netlink.IsInvalid)
            return null;
        var request = new Libc.InetDiagRequest
        {
            Header = new Libc.NlMsgHdr
            {
                Length = (uint)sizeof(Libc.InetDiagRequest),
                Type = Libc.SOCK_DIAG_BY_FAMILY,
                Flags = Libc.NLM_F_REQUEST | Libc.NLM_F_DUMP,
            },
            Family = (byte)family,
            Protocol = (byte)Libc.IPPROTO_TCP,
            // Set up, open, or closed by the client but not yet by the service: each still owes or awaits an answer.
            States = (1u << Libc.TCP_ESTABLISHED) | (1u << Libc.TCP_SYN_RECV) | (1u << Libc.TCP_CLOSE_WAIT),
            SourcePort = portNetworkOrder,
        };
        if (Libc.Send(netlink, (byte*)&request, sizeof(Libc.InetDiagRequest), 0) < 0)
            return null;

        byte[] buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            int count = 0;
            fixed (byte* start = buffer)
            {
                while (true)
                {
                    nint read = Libc.Read(netlink, start, buffer.Length);
                    if (read <= 0)
                        return null;
                    for (nint offset = 0; offset + sizeof(Libc.NlMsgHdr) <= read;)
                    {
                        var header = (Libc.NlMsgHdr*)(start + offset);
                        if (header->Length < sizeof(Libc.NlMsgHdr) || offset + header->Length > read)
                            return null;
                        if (header->Type == Libc.NLMSG_DONE)
                            return count;
                        if (header->Type == Libc.NLMSG_ERROR)
                            return null;
                        count++;
                        offset += (nint)((header->Length + 3) & ~3u);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Connected (St 03), non-listening (no __SO_ACCEPTCON in Flags) sockets named like the listener.</summary>
    private static int? CountUnix(ListenAddress address)
    {
        string name = address.Family == ListenFamily.UnixAbstract ? "@" + address.Path : address.Path!;
        string table;
        try
        {
            table = File.ReadAllText("/proc/net/unix");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        int count = 0;
        Span<Range> fields = stackalloc Range[8];   // the last one is the rest: a path may hold spaces
        foreach (var line in table.AsSpan().EnumerateLines())
        {
            // Num RefCount Protocol Flags Type St Inode Path
            int n = line.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
            if (n < 8 || !line[fields[7]].TrimEnd().SequenceEqual(name))
                continue;
            if (!uint.TryParse(line[fields[3]], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint flags)
                || !uint.TryParse(line[fields[5]], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint state))
                continue;
            const uint AcceptConnections = 0x10000, Connected = 3;
            if ((flags & AcceptConnections) == 0 && state == Connected)
                count++;
        }
        return count;
    }
}
