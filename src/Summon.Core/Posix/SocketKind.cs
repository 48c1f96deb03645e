namespace Summon.Posix;

/// <summary>
/// The type of a socket, as socket(2) takes it (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET): Linux's numbers, so a value
/// goes to the kernel as it is. Not System.Net.Sockets.SocketType, whose numbers are Windows'.
/// </summary>
internal enum SocketKind
{
    Stream = 1,
    Datagram = 2,
    SequentialPacket = 5,
}
