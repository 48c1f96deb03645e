using System.Net;
using System.Net.Sockets;

namespace Summon.IntegrationTests.Harness;

/// <summary>Ports the kernel just handed out as free, so parallel runs do not fight over a fixed port like 9091.</summary>
internal static class FreePort
{
    public static int Tcp() => Tcp(IPAddress.Loopback);

    public static int Tcp(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
