using System.Net.Sockets;
using Summon.Sockets;

namespace Summon.Core.Tests.Sockets;

/// <summary>The sd_notify endpoint's own reading of a datagram: the SCM_CREDENTIALS the kernel attaches, the text.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NotifySocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_datagram_comes_with_the_senders_pid_and_no_fds()
    {
        string path = Path.Combine(_dir, "notify");
        using var notify = NotifySocket.Open(path);
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo("READY=1\nSTATUS=up"u8, new UnixDomainSocketEndPoint(path));

        NotifyMessage? message = notify.TryReceive(out string? rejection);

        Assert.Null(rejection);
        Assert.NotNull(message);
        Assert.Equal((Environment.ProcessId, "READY=1\nSTATUS=up"), (message.Pid, message.Text));
        Assert.Empty(message.Fds);
        Assert.Null(notify.TryReceive(out _));
    }
}
