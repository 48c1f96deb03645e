using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Summon.IntegrationTests.Harness;

/// <summary>In-process socket clients, used where the test must know its own port or pid, or hold many connections.</summary>
internal static class Clients
{
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Connects from an explicitly bound local port, so the test knows the peer port the server sees.</summary>
    public static Socket ConnectTcp(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)ReceiveTimeout.TotalMilliseconds,
            SendTimeout = (int)ReceiveTimeout.TotalMilliseconds,
        };
        try
        {
            socket.Bind(new IPEndPoint(address, 0));
            socket.Connect(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static Socket ConnectUnix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)ReceiveTimeout.TotalMilliseconds,
            SendTimeout = (int)ReceiveTimeout.TotalMilliseconds,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static int LocalPort(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>Sends <paramref name="text"/>, half-closes, and reads until the server closes.</summary>
    public static string SendAndReadToEnd(Socket socket, string text)
    {
        socket.Send(Encoding.UTF8.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        return ReadToEnd(socket);
    }

    /// <summary>Reads until <paramref name="count"/> whole lines have arrived (the peer may keep the connection open).</summary>
    public static string[] ReadLines(Socket socket, int count)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.ToArray().Count(b => b == (byte)'\n') < count)
        {
            int n = socket.Receive(buffer);
            if (n == 0)
                break;
            received.Write(buffer, 0, n);
        }
        return Encoding.UTF8.GetString(received.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Reads until EOF; a receive timeout surfaces as a SocketException naming TimedOut.</summary>
    public static string ReadToEnd(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            int n = socket.Receive(buffer);
            if (n == 0)
            {
                return Encoding.UTF8.GetString(received.ToArray());
            }

            received.Write(buffer, 0, n);
        }
    }
}
