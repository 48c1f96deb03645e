using Summon.Posix;

namespace Summon.Units;

internal enum ListenType { Stream, Datagram, SequentialPacket, Fifo, Special, Netlink, MessageQueue, UsbFunction }

/// <summary>One Listen*= entry. <see cref="Value"/> is the canonical printed form ("127.0.0.1:9091", "[::]:9091",
/// "/run/x.sock", "@abs", "kobject-uevent 1"); <see cref="Address"/> is non-null for Stream/Datagram/SequentialPacket.</summary>
internal sealed record ListenSpec(ListenType Type, string Value, ListenAddress? Address)
{
    /// <summary>As systemd prints it: Stream Datagram SequentialPacket FIFO Special Netlink MessageQueue USBFunction.</summary>
    public string TypeName => Type switch
    {
        ListenType.Stream => "Stream",
        ListenType.Datagram => "Datagram",
        ListenType.SequentialPacket => "SequentialPacket",
        ListenType.Fifo => "FIFO",
        ListenType.Special => "Special",
        ListenType.Netlink => "Netlink",
        ListenType.MessageQueue => "MessageQueue",
        ListenType.UsbFunction => "USBFunction",
        _ => "Invalid",
    };

    /// <summary>The setting it came from ("ListenStream").</summary>
    public string SettingName => "Listen" + TypeName;

    /// <summary>Can Accept=yes accept on it (stream or seqpacket sockets).</summary>
    public bool CanAccept => Address is not null && Type is ListenType.Stream or ListenType.SequentialPacket;

    /// <summary>A node in the file system (unix path socket or FIFO), what Symlinks= can point to.</summary>
    public bool IsFileSystemNode => Type == ListenType.Fifo || (Address?.Family == ListenFamily.Unix);
}
