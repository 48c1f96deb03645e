using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Summon.Cli.Commands;

/// <summary>
/// What `summon connect` dials: HOST:PORT, [IPV6]:PORT, or a Unix socket path (anything with a '/'), the forms
/// ListenStream= takes; a host name resolves to every address it has, tried in order.
/// </summary>
internal sealed class ConnectTarget
{
    private ConnectTarget(string text, string? path, string? host, int port)
    {
        Text = text;
        Path = path;
        Host = host;
        Port = port;
    }

    /// <summary>As the user typed it, for messages.</summary>
    public string Text { get; }

    public string? Path { get; }

    public string? Host { get; }

    public int Port { get; }

    /// <summary>The target, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static ConnectTarget? Parse(string text, out string? error)
    {
        error = null;
        if (text.Contains('/'))
            return new ConnectTarget(text, text, null, 0);

        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
            host = "";
        if (host.Length == 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            error = $"'{text}' is not HOST:PORT, [IPV6]:PORT or a Unix socket path; e.g. 127.0.0.1:9091, [::1]:9091, /run/app.sock.";
            return null;
        }
        return new ConnectTarget(text, null, host, port);
    }

    /// <summary>The addresses to try, in order.</summary>
    public IReadOnlyList<EndPoint> EndPoints()
    {
        if (Path is not null)
            return [new UnixDomainSocketEndPoint(Path)];
        if (IPAddress.TryParse(Host, out IPAddress? address))
            return [new IPEndPoint(address, Port)];
        return [.. Dns.GetHostAddresses(Host!).Select(a => new IPEndPoint(a, Port))];
    }

    public static ProtocolType Protocol(EndPoint endPoint) =>
        endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
}
