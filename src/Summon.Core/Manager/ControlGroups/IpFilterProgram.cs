using System.Buffers.Binary;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// The packet filter of IPAddressAllow=/IPAddressDeny= over struct __sk_buff: the peer's address (the source of an
/// incoming packet, the destination of an outgoing one) is let through when it is in an allowed network, dropped when
/// it is in a denied one, and let through otherwise; packets that are not IP pass. The networks are compared inline,
/// word by word under their masks (no BPF map). One program per direction: BPF_PROG_TYPE_CGROUP_SKB on the unit's
/// cgroup, and the same code as a socket filter on a .socket's listening sockets (<paramref name="pass"/> differs:
/// a cgroup program answers 1, a socket filter the length to keep).
/// </summary>
internal static class IpFilterProgram
{
    /// <summary>What a cgroup skb program returns to let a packet through; a socket filter returns <see cref="SocketFilterPass"/>.</summary>
    public const int CgroupPass = 1, SocketFilterPass = -1;

    /// <summary>offsetof(struct __sk_buff, protocol); the IPv4 and IPv6 headers' source and destination offsets.</summary>
    private const short OffProtocol = 16;
    private const int V4Source = 12, V4Destination = 16, V6Source = 8, V6Destination = 24;

    /// <summary>bpf_skb_load_bytes_relative() and BPF_HDR_START_NET: reads from the network header in every program type.</summary>
    private const int LoadBytesRelative = 68, FromNetworkHeader = 1;

    private const short Scratch = -16;

    public static ulong[] Build(IReadOnlyList<IpAddressPrefix> allow, IReadOnlyList<IpAddressPrefix> deny, bool ingress, int pass)
    {
        var a = new BpfAssembler();
        int accept = a.NewLabel(), drop = a.NewLabel(), v4 = a.NewLabel(), v6 = a.NewLabel();
        a.Alu64Reg(BpfAssembler.Mov, BpfAssembler.R6, BpfAssembler.R1);
        a.LoadWord(BpfAssembler.R7, BpfAssembler.R6, OffProtocol);
        a.Jump32(BpfAssembler.Jeq, BpfAssembler.R7, NetworkOrder(0x0800), v4);
        a.Jump32(BpfAssembler.Jeq, BpfAssembler.R7, NetworkOrder(0x86dd), v6);
        a.Goto(accept);

        a.Place(v4);
        Family(a, allow, deny, v6: false, ingress ? V4Source : V4Destination, accept, drop);
        a.Place(v6);
        Family(a, allow, deny, v6: true, ingress ? V6Source : V6Destination, accept, drop);

        a.Place(accept);
        a.Return(pass);
        a.Place(drop);
        a.Return(0);
        return a.Finish();
    }

    /// <summary>Reads the peer address to the stack, then tries the allowed networks of the family, then the denied.</summary>
    private static void Family(BpfAssembler a, IReadOnlyList<IpAddressPrefix> allow, IReadOnlyList<IpAddressPrefix> deny, bool v6, int offset, int accept, int drop)
    {
        int length = v6 ? 16 : 4;
        a.Alu64Reg(BpfAssembler.Mov, BpfAssembler.R1, BpfAssembler.R6);
        a.Alu64Imm(BpfAssembler.Mov, BpfAssembler.R2, offset);
        a.Alu64Reg(BpfAssembler.Mov, BpfAssembler.R3, BpfAssembler.R10);
        a.Alu64Imm(BpfAssembler.Add, BpfAssembler.R3, Scratch);
        a.Alu64Imm(BpfAssembler.Mov, BpfAssembler.R4, length);
        a.Alu64Imm(BpfAssembler.Mov, BpfAssembler.R5, FromNetworkHeader);
        a.CallHelper(LoadBytesRelative);
        a.Jump64(BpfAssembler.Jne, BpfAssembler.R0, 0, accept);   // too short to hold the address: not ours to judge
        // A zero-length network ("any") matches every address: what would follow it is never reached, and the verifier
        // refuses unreachable instructions.
        foreach ((var list, int verdict) in (ReadOnlySpan<(IReadOnlyList<IpAddressPrefix>, int)>)[(allow, accept), (deny, drop)])
            foreach (var prefix in list)
                if (prefix.IsV6 == v6 && !Match(a, prefix, verdict))
                    return;
        a.Goto(accept);
    }

    /// <summary>Jumps to <paramref name="verdict"/> when the address on the stack is in <paramref name="prefix"/>; false when
    /// that jump is unconditional.</summary>
    private static bool Match(BpfAssembler a, IpAddressPrefix prefix, int verdict)
    {
        if (prefix.Length == 0)
        {
            a.Goto(verdict);
            return false;
        }
        byte[] address = prefix.MaskedBytes();
        int next = a.NewLabel();
        for (int word = 0; word * 32 < prefix.Length; word++)
        {
            int bits = Math.Min(32, prefix.Length - (word * 32));
            uint maskHost = bits == 32 ? uint.MaxValue : ~(uint.MaxValue >> bits);
            byte[] maskBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(maskBytes, maskHost);
            // A word loaded from the stack holds the address's bytes in memory order: compare it as such.
            int mask = BitConverter.ToInt32(maskBytes);
            int value = BitConverter.ToInt32(address, word * 4);
            a.LoadWord(BpfAssembler.R8, BpfAssembler.R10, (short)(Scratch + (word * 4)));
            if (bits < 32)
                a.Alu32Imm(BpfAssembler.And, BpfAssembler.R8, mask);
            a.Jump32(BpfAssembler.Jne, BpfAssembler.R8, value, next);
        }
        a.Goto(verdict);
        a.Place(next);
        return true;
    }

    /// <summary>An ETH_P_* value as __sk_buff's protocol holds it: in network byte order, read as a native word.</summary>
    private static int NetworkOrder(ushort protocol) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(protocol) : protocol;
}
