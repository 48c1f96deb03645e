using System.Net;
using Summon.Tests;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// Ports for a test's units, so parallel runs do not fight over a fixed port like 9091: see <see cref="TestPorts"/>
/// for why they are not read back from a bind to port 0.
/// </summary>
internal static class FreePort
{
    public static int Tcp() => Tcp(IPAddress.Loopback);

    public static int Tcp(IPAddress address) => TestPorts.Tcp(address);
}
