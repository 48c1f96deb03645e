using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Core.Tests.Sockets;

/// <summary>The file-system side of AF_UNIX listeners and FIFOs: SocketMode= exactly, whatever the process umask, which stays as it was.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ListeningSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-listen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("600")]   // narrower than any usual umask leaves
    [InlineData("666")]   // wider than umask 022 leaves: widened after bind
    [InlineData("777")]
    public void Unix_socket_node_gets_SocketMode_and_the_umask_stays(string mode)
    {
        string umask = ProcessUmask();
        string path = Path.Combine(_dir, "sub", "s.sock");
        using var socket = ListeningSocket.Open(ListenAddress.UnixPath(path), SocketKind.Stream, Options(mode));

        Assert.Equal(mode, ModeOf(path));
        Assert.Equal("750", ModeOf(Path.GetDirectoryName(path)!));
        Assert.Equal(umask, ProcessUmask());
        Assert.True(socket.IsStream);
        Assert.Equal(SocketKind.Stream, socket.Kind);
    }

    [Fact]
    public void A_stale_node_is_replaced_and_the_new_one_answers()
    {
        string path = Path.Combine(_dir, "stale.sock");
        File.WriteAllText(path, "left over");
        using var socket = ListeningSocket.Open(ListenAddress.UnixPath(path), SocketKind.Stream, Options("640"));

        Assert.Equal("640", ModeOf(path));
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
    }

    [Fact]
    public void Datagram_socket_is_bound_not_listening()
    {
        string path = Path.Combine(_dir, "d.sock");
        using var socket = ListeningSocket.Open(ListenAddress.UnixPath(path), SocketKind.Datagram, Options("660"));

        Assert.False(socket.IsStream);
        Assert.Equal("660", ModeOf(path));
    }

    [Fact]
    public void Fifo_gets_SocketMode_when_created_and_keeps_its_own_otherwise()
    {
        string created = Path.Combine(_dir, "new.fifo");
        using (var fifo = ListeningSocket.OpenFifo(created, Options("666")))
        {
            Assert.Null(fifo.Kind);
            Assert.Equal("666", ModeOf(created));
        }

        string existing = Path.Combine(_dir, "old.fifo");
        using (ListeningSocket.OpenFifo(existing, Options("600")))
        {
        }
        using (ListeningSocket.OpenFifo(existing, Options("666")))
            Assert.Equal("600", ModeOf(existing));
    }

    private static ListenOptions Options(string socketMode) => ListenOptions.Default with
    {
        SocketMode = Convert.ToUInt32(socketMode, 8),
        DirectoryMode = Convert.ToUInt32("750", 8),
    };

    private static string ModeOf(string path) =>
        Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);

    private static string ProcessUmask() =>
        File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal));
}
