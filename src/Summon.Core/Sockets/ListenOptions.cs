namespace Summon.Sockets;

/// <summary>How a listening socket is created: the [Socket] settings that matter to socket(2)/bind(2)/listen(2).</summary>
internal sealed record ListenOptions
{
    public int Backlog { get; init; } = int.MaxValue;        // the kernel caps it at net.core.somaxconn
    public bool? Ipv6Only { get; init; }                     // null: leave the kernel default (BindIPv6Only=default)
    public bool ReusePort { get; init; }
    public bool FreeBind { get; init; }
    public uint SocketMode { get; init; } = Convert.ToUInt32("666", 8);
    public uint DirectoryMode { get; init; } = Convert.ToUInt32("755", 8);

    public static ListenOptions Default { get; } = new();
}
