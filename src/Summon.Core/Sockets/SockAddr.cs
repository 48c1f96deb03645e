using System.Buffers.Binary;
using System.Net;
using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Sockets;

/// <summary>
/// The Linux sockaddr layouts we build and read (x86_64/aarch64 are identical here): sockaddr_in (16 bytes),
/// sockaddr_in6 (28), sockaddr_un (110, path NUL-terminated; abstract names start with a NUL and are not terminated).
/// Pure byte work: the system calls that consume these live in Interop.
/// </summary>
internal static class SockAddr
{
    public const int MaxLength = 128;   // sizeof(struct sockaddr_storage)
    public const int UnixPathMax = ListenAddress.UnixPathMax;

    public static int Encode(ListenAddress address, Span<byte> buffer)
    {
        buffer[..MaxLength].Clear();
        switch (address.Family)
        {
            case ListenFamily.Inet:
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Libc.AF_INET);
                BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)address.Port);
                address.Ip!.TryWriteBytes(buffer.Slice(4, 4), out _);
                return 16;
            case ListenFamily.Inet6:
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Libc.AF_INET6);
                BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)address.Port);
                address.Ip!.TryWriteBytes(buffer.Slice(8, 16), out _);
                uint scope = address.ScopeInterface is { } ifname ? Libc.IfNameToIndex(ifname) : (uint)address.Ip.ScopeId;
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], scope);
                return 28;
            case ListenFamily.Unix:
            {
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Libc.AF_UNIX);
                int n = Encoding.UTF8.GetBytes(address.Path!, buffer.Slice(2, UnixPathMax));
                return 2 + n + 1;
            }
            case ListenFamily.UnixAbstract:
            {
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Libc.AF_UNIX);
                int n = Encoding.UTF8.GetBytes(address.Path!, buffer.Slice(3, UnixPathMax - 1));
                return 3 + n;
            }
            default:
                throw new NotSupportedException($"Address family of {address} is not supported.");
        }
    }

    public static int FamilyOf(ReadOnlySpan<byte> sa) => BinaryPrimitives.ReadUInt16LittleEndian(sa);

    /// <summary>Reads an AF_INET/AF_INET6 sockaddr; false for other families.</summary>
    public static bool TryDecodeIp(ReadOnlySpan<byte> sa, out IPAddress ip, out int port)
    {
        switch (FamilyOf(sa))
        {
            case Libc.AF_INET:
                port = BinaryPrimitives.ReadUInt16BigEndian(sa[2..]);
                ip = new IPAddress(sa.Slice(4, 4));
                return true;
            case Libc.AF_INET6:
                port = BinaryPrimitives.ReadUInt16BigEndian(sa[2..]);
                ip = new IPAddress(sa.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(sa[24..]));
                return true;
            default:
                ip = IPAddress.None;
                port = 0;
                return false;
        }
    }
}
