using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Summon.Posix;

internal enum ListenFamily { Inet, Inet6, Unix, UnixAbstract, Vsock }

/// <summary>
/// A socket address to listen on (what <c>ListenStream=</c> names), printed as systemd's <c>socket_address_print()</c>
/// does. Data only: the unit syntax is read by <c>Units.ListenAddressParser</c>, and the sockaddr bytes are built by
/// <c>Sockets.SockAddr</c> at bind time.
/// </summary>
internal sealed record ListenAddress
{
    /// <summary>sizeof(sockaddr_un.sun_path); the path and its NUL must fit.</summary>
    public const int UnixPathMax = 108;

    /// <summary>VMADDR_CID_ANY.</summary>
    public const uint VsockCidAny = uint.MaxValue;

    private ListenAddress(ListenFamily family) => Family = family;

    public ListenFamily Family { get; }

    public IPAddress? Ip { get; private init; }

    /// <summary>IP or vsock port; 0 for unix sockets.</summary>
    public int Port { get; private init; }

    /// <summary>Unix path, or the abstract name without its leading '@'.</summary>
    public string? Path { get; private init; }

    /// <summary>Interface of an IPv6 scope, as printed after '%'.</summary>
    public string? ScopeInterface { get; private init; }

    /// <summary>Interface index of <see cref="ScopeInterface"/> (0 when none).</summary>
    public int ScopeId { get; private init; }

    /// <summary>vsock context id (<see cref="VsockCidAny"/> for "any").</summary>
    public uint Cid { get; private init; }

    /// <summary>True for filesystem and abstract unix sockets.</summary>
    public bool IsUnix => Family is ListenFamily.Unix or ListenFamily.UnixAbstract;

    public static ListenAddress Inet(IPAddress ip, int port) => new(ip.AddressFamily == AddressFamily.InterNetworkV6 ? ListenFamily.Inet6 : ListenFamily.Inet) { Ip = ip, Port = port };

    /// <summary>An IPv6 address with its scope: the interface as written, and its index when parsing found one.</summary>
    public static ListenAddress Inet6Scoped(IPAddress ip, int port, string? scopeInterface, int scopeId)
        => new(ListenFamily.Inet6) { Ip = ip, Port = port, ScopeInterface = scopeInterface, ScopeId = scopeId };

    public static ListenAddress UnixPath(string path) => new(ListenFamily.Unix) { Path = path };

    public static ListenAddress Abstract(string name) => new(ListenFamily.UnixAbstract) { Path = name };

    public static ListenAddress Vsock(uint cid, int port) => new(ListenFamily.Vsock) { Cid = cid, Port = port };

    /// <summary>Canonical form, as systemd prints it: 127.0.0.1:9091, [::]:9091, [fe80::1]:80%eth0, /path, @abstract, vsock:2:1234.</summary>
    public override string ToString() => Family switch
    {
        ListenFamily.Inet => $"{Ip}:{Port}",
        ListenFamily.Inet6 => ScopeInterface is null ? $"[{Ip}]:{Port}" : $"[{Ip}]:{Port}%{ScopeInterface}",
        ListenFamily.Unix => Path!,
        ListenFamily.UnixAbstract => "@" + Path,
        ListenFamily.Vsock => Cid == VsockCidAny
            ? string.Create(CultureInfo.InvariantCulture, $"vsock::{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"vsock:{Cid}:{Port}"),
        _ => "",
    };
}
