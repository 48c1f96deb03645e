using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>
/// NETLINK_SOCK_DIAG's inet_diag request (linux/inet_diag.h, linux/sock_diag.h): sent with <see cref="Libc.Send"/> on an
/// AF_NETLINK socket and answered with one <c>inet_diag_msg</c> per socket, then NLMSG_DONE.
/// </summary>
internal static partial class Libc
{
    internal const int AF_NETLINK = 16, NETLINK_SOCK_DIAG = 4;

    internal const ushort SOCK_DIAG_BY_FAMILY = 20, NLMSG_ERROR = 2, NLMSG_DONE = 3;

    internal const ushort NLM_F_REQUEST = 0x1, NLM_F_DUMP = 0x300;

    internal const int TCP_ESTABLISHED = 1, TCP_SYN_RECV = 3, TCP_CLOSE_WAIT = 8;

    [StructLayout(LayoutKind.Sequential)]
    internal struct NlMsgHdr
    {
        public uint Length;
        public ushort Type;
        public ushort Flags;
        public uint Sequence;
        public uint Pid;
    }

    /// <summary>struct inet_diag_req_v2 with its inet_diag_sockid; ports and addresses in network order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct InetDiagRequest
    {
        public NlMsgHdr Header;
        public byte Family;
        public byte Protocol;
        public byte Extensions;
        public byte Pad;
        public uint States;
        public ushort SourcePort;
        public ushort DestinationPort;
        public fixed uint Source[4];
        public fixed uint Destination[4];
        public uint Interface;
        public fixed uint Cookie[2];
    }
}
