using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace Summon.Cli.Commands;

/// <summary>
/// connect TARGET: a stream client like `nc -N` or `socat - TCP:…`, so the demo's instructions need nothing but this
/// binary. Standard input goes to the socket and the sending side is shut down at its end (the service sees EOF);
/// what the peer sends goes to standard output, and the command ends when the peer closes.
/// </summary>
internal static class ConnectVerb
{
    public static void AddTo(Command root)
    {
        var target = new Argument<string>("TARGET") { Description = "HOST:PORT, [IPV6]:PORT or a Unix socket path" };
        var command = new Command("connect", "Connect standard input and output to a stream socket (like nc -N)") { target };
        command.SetAction(r => Run(r.GetValue(target)!));
        root.Subcommands.Add(command);
    }

    private static int Run(string text)
    {
        if (ConnectTarget.Parse(text, out string? error) is not { } target)
        {
            Console.Error.WriteLine($"summon connect: {error}");
            return 1;
        }

        using Socket? socket = Connect(target);
        if (socket is null)
            return 1;

        // Standard input may never end (a terminal); its copy runs beside the main one, which alone decides the exit.
        var sending = new Thread(() => Send(socket)) { IsBackground = true, Name = "connect stdin" };
        sending.Start();
        try
        {
            using Stream stdout = Console.OpenStandardOutput();
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                stdout.Write(buffer, 0, n);
                stdout.Flush();
            }
            return 0;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"summon connect: {target.Text}: {e.Message}");
            return 1;
        }
        catch (IOException)
        {
            // Standard output was closed (a pipe whose reader left): nothing more can be delivered.
            return 0;
        }
    }

    private static Socket? Connect(ConnectTarget target)
    {
        IReadOnlyList<EndPoint> endPoints;
        try
        {
            endPoints = target.EndPoints();
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"summon connect: cannot resolve {target.Host}: {e.Message}");
            return null;
        }

        string reason = "no address";
        foreach (EndPoint endPoint in endPoints)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ConnectTarget.Protocol(endPoint));
            try
            {
                socket.Connect(endPoint);
                return socket;
            }
            catch (SocketException e)
            {
                reason = Reason(e, endPoint);
                socket.Dispose();
            }
        }
        Console.Error.WriteLine($"summon connect: cannot connect to {target.Text}: {reason}. Is the socket unit listening there (summon list-sockets)?");
        return null;
    }

    /// <summary>
    /// The cause without the address .NET appends to it; a Unix path that is not there says so (the kernel's ENOENT
    /// reaches .NET as "Cannot assign requested address").
    /// </summary>
    private static string Reason(SocketException e, EndPoint endPoint)
    {
        if (endPoint is UnixDomainSocketEndPoint && !Path.Exists(endPoint.ToString()))
            return "No such file or directory";
        string suffix = " " + endPoint;
        return e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }

    private static void Send(Socket socket)
    {
        try
        {
            using Stream stdin = Console.OpenStandardInput();
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = stdin.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int sent = 0; sent < n;)
                    sent += socket.Send(buffer.AsSpan(sent, n - sent));
            }
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The peer closed first; the receiving side reports what matters.
        }
    }
}
