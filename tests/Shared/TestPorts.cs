using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Summon.Tests;

/// <summary>
/// TCP ports a test names in a unit for the manager to bind later, so the test cannot hold them meanwhile.
/// </summary>
/// <remarks>
/// Not read back from a released bind(0): the kernel hands out that same ephemeral range to every connect() and
/// bind(0) on the machine, so such a port can become the local port of a client connection (of this run, or of the
/// other test assembly running beside it) before the manager binds it, and two calls in a row can even return the
/// same port. These come from below the ephemeral range (net.ipv4.ip_local_port_range), which nothing takes on its
/// own; in order, so one process never hands a port out twice; from a block this process holds a lock file for
/// (released when it exits), so the other assembly takes another block; and each is checked free before it is given.
/// Compiled into both test projects.
/// </remarks>
internal static class TestPorts
{
    private const int BlockSize = 256;
    private const int LowestPort = 10_000;

    private static readonly object s_gate = new();
    private static readonly List<FileStream> s_blocks = [];   // held, so locked, until the process exits
    private static int s_next, s_end;

    public static int Tcp(IPAddress address)
    {
        lock (s_gate)
        {
            while (true)
            {
                if (s_next >= s_end)
                {
                    TakeBlock();
                }

                int port = s_next++;
                if (IsFree(address, port))
                {
                    return port;
                }
            }
        }
    }

    private static void TakeBlock()
    {
        (int first, int end) = Range();
        int blocks = (end - first) / BlockSize;
        // Per user, so that a run as root does not leave a directory another user's run cannot create locks in.
        string directory = Path.Combine(Path.GetTempPath(), "summon-test-ports-" + Environment.UserName);
        Directory.CreateDirectory(directory);
        int start = Random.Shared.Next(blocks);
        for (int i = 0; i < blocks; i++)
        {
            int low = first + ((start + i) % blocks * BlockSize);
            try
            {
                // FileShare.None is an exclusive flock(2) on Linux, on a description of its own: a block held by
                // another process, or already by this one, makes this throw.
                var block = new FileStream(Path.Combine(directory, $"{low}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                s_blocks.Add(block);
                (s_next, s_end) = (low, low + BlockSize);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another test process has it (or it is not ours to open): the next block.
            }
        }

        throw new InvalidOperationException($"every block of {BlockSize} test ports in {first}-{end - 1} is taken");
    }

    /// <summary>The ports below the kernel's ephemeral range, or above it when too few are below.</summary>
    private static (int First, int End) Range()
    {
        int low = 32_768, high = 60_999;
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            (low, high) = (int.Parse(range[0], CultureInfo.InvariantCulture), int.Parse(range[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Linux's default range, then.
        }

        return low - LowestPort >= 4 * BlockSize ? (LowestPort, low) : (high + 1, 65_536);
    }

    /// <summary>Nothing holds the port on the address or its family's wildcard (a bind without SO_REUSEADDR says so).</summary>
    private static bool IsFree(IPAddress address, int port)
    {
        IPAddress any = address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        foreach (IPAddress probeAddress in (IPAddress[])[address, any])
        {
            using var probe = new Socket(probeAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(probeAddress, port));
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }
}
