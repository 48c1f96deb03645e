using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// The accept queue of a listening TCP socket, from TCP_INFO: for a socket in the LISTEN state the kernel reports the
/// connections waiting to be accepted in tcpi_unacked and the queue's limit (the backlog) in tcpi_sacked.
/// </summary>
internal static class AcceptQueue
{
    private const int TCP_INFO = 11;

    // struct tcp_info: eight one-byte fields, then __u32 rto, ato, snd_mss, rcv_mss, unacked, sacked.
    private const int UnackedOffset = 24, SackedOffset = 28;

    /// <summary>False for a socket that is not a TCP listener (Unix, datagram, FIFO) or when the kernel does not say.</summary>
    public static unsafe bool TryRead(ListeningSocket socket, out uint depth, out uint limit)
    {
        depth = limit = 0;
        if (socket.Kind != SocketKind.Stream || socket.Address.Family is not (ListenFamily.Inet or ListenFamily.Inet6))
            return false;
        byte* info = stackalloc byte[SackedOffset + sizeof(uint)];
        int length = SackedOffset + sizeof(uint);
        if (Libc.GetSockOpt(socket.Handle, Libc.IPPROTO_TCP, TCP_INFO, info, &length) < 0 || length < SackedOffset + sizeof(uint))
            return false;
        depth = *(uint*)(info + UnackedOffset);
        limit = *(uint*)(info + SackedOffset);
        return true;
    }
}
