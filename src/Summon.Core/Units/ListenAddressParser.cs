using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Summon.Posix;
using Summon.Text;

namespace Summon.Units;

/// <summary>
/// Reads a <see cref="ListenAddress"/> as written after <c>ListenStream=</c>, with the decision order of systemd's
/// <c>socket_address_parse()</c> (v252). Pure: the only outside information used is the list of network interfaces
/// (for <c>[fe80::1]:80%eth0</c>), which comes through <see cref="INetworkInterfaceNames"/>.
/// </summary>
internal static class ListenAddressParser
{
    /// <summary>
    /// Parses an address; on failure <paramref name="errno"/> is EINVAL (syntax), ERANGE (port out of range),
    /// ENAMETOOLONG (unix path too long) or ENODEV (scope interface does not exist).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ListenAddress? address, out int errno)
        => TryParse(text, NetworkInterfaceNames.System, out address, out errno);

    public static bool TryParse(string text, INetworkInterfaceNames interfaces, [NotNullWhen(true)] out ListenAddress? address, out int errno)
    {
        address = null;
        errno = ParseCore(text, interfaces, ref address);
        return errno == 0;
    }

    private static int ParseCore(string s, INetworkInterfaceNames interfaces, ref ListenAddress? address)
    {
        if (s.StartsWith('/'))
        {
            if (s.Length < 2)
                return Errno.EINVAL;
            if (System.Text.Encoding.UTF8.GetByteCount(s) >= ListenAddress.UnixPathMax)
                return Errno.ENAMETOOLONG;
            address = ListenAddress.UnixPath(s);
            return 0;
        }

        if (s.StartsWith('@'))
        {
            // The name must fit sun_path with a trailing NUL, and must not be empty.
            int bytes = System.Text.Encoding.UTF8.GetByteCount(s);
            if (bytes < 2 || bytes >= ListenAddress.UnixPathMax)
                return Errno.EINVAL;
            address = ListenAddress.Abstract(s[1..]);
            return 0;
        }

        if (s.StartsWith("vsock:", StringComparison.Ordinal))
            return ParseVsock(s["vsock:".Length..], ref address);

        int r = ParsePort(s, out int port);
        if (r == Errno.ERANGE)
            return r;
        if (r == 0)
        {
            // Just a port: IPv6 any, dual-stack unless BindIPv6Only= says otherwise.
            address = ListenAddress.Inet(IPAddress.IPv6Any, port);
            return 0;
        }

        return ParseIpPortScope(s, interfaces, ref address);
    }

    private static int ParseVsock(string rest, ref ListenAddress? address)
    {
        int colon = rest.IndexOf(':');
        if (colon < 0)
            return Errno.EINVAL;
        int r = CNumber.TryParseUInt32(rest[(colon + 1)..], out uint port);
        if (r != 0)
            return r;
        uint cid = ListenAddress.VsockCidAny;
        if (colon > 0)
        {
            r = CNumber.TryParseUInt32(rest[..colon], out cid);
            if (r != 0)
                return r;
        }

        address = ListenAddress.Vsock(cid, (int)port);
        return 0;
    }

    private static int ParseIpPortScope(string s, INetworkInterfaceNames interfaces, ref ListenAddress? address)
    {
        if (s.Contains('#'))
            return Errno.EINVAL;

        string? scopeName = null;
        int scopeId = 0;
        int percent = s.IndexOf('%');
        if (percent >= 0)
        {
            string name = s[(percent + 1)..];
            if (!IsValidInterfaceName(name))
                return Errno.EINVAL;
            if (CNumber.IsPositiveDecimal(name, out int index))
            {
                scopeId = index;
                scopeName = interfaces.NameOf(index) ?? name;
            }
            else
            {
                int? found = interfaces.IndexOf(name);
                if (found is null)
                    return Errno.ENODEV;
                scopeId = found.Value;
                scopeName = name;
            }

            s = s[..percent];
        }

        IPAddress? ip;
        int port = 0;
        int lastColon = s.LastIndexOf(':');
        if (lastColon >= 0)
        {
            if (s.StartsWith('['))
            {
                if (lastColon == 0 || s[lastColon - 1] != ']')
                    return Errno.EINVAL;
                int r = ParsePort(s[(lastColon + 1)..], out port);
                if (r != 0)
                    return r;
                if (!TryParseIPv6(s[1..(lastColon - 1)], out ip))
                    return Errno.EINVAL;
            }
            else if (!TryParseIPv6(s, out ip))
            {
                if (!TryParseIPv4(s[..lastColon], out ip))
                    return Errno.EINVAL;
                int r = ParsePort(s[(lastColon + 1)..], out port);
                if (r != 0)
                    return r;
            }
        }
        else if (!TryParseIPv4(s, out ip))
        {
            return Errno.EINVAL;
        }

        if (port == 0)
            return Errno.EINVAL; // no port, no go

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            // A scope makes sense for IPv6 only; systemd ignores it for IPv4.
            address = ListenAddress.Inet(ip, port);
            return 0;
        }

        address = ListenAddress.Inet6Scoped(ip, port, scopeName, scopeId);
        return 0;
    }

    /// <summary>parse_ip_port(): an unsigned 16-bit number in C notation (0x.., 0..), zero refused.</summary>
    internal static int ParsePort(string s, out int port)
    {
        port = 0;
        int r = CNumber.TryParseUInt64(s, out ulong value);
        if (r != 0)
            return r;
        if (value > ushort.MaxValue)
            return Errno.ERANGE;
        if (value == 0)
            return Errno.EINVAL;
        port = (int)value;
        return 0;
    }

    /// <summary>inet_pton(AF_INET): exactly four decimal octets, no leading zeros.</summary>
    internal static bool TryParseIPv4(string s, [NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        string[] parts = s.Split('.');
        if (parts.Length != 4)
            return false;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            string p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0'))
                return false;
            int v = 0;
            foreach (char c in p)
            {
                if (c is < '0' or > '9')
                    return false;
                v = (v * 10) + (c - '0');
            }

            if (v > 255)
                return false;
            bytes[i] = (byte)v;
        }

        ip = new IPAddress(bytes);
        return true;
    }

    /// <summary>inet_pton(AF_INET6): hex groups, '::' and an optional trailing dotted quad; nothing else.</summary>
    internal static bool TryParseIPv6(string s, [NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        if (s.Length == 0 || !s.Contains(':'))
            return false;
        foreach (char c in s)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
                return false;
        }

        int lastColon = s.LastIndexOf(':');
        if (s.IndexOf('.') is int dot && dot >= 0 && (dot < lastColon || !TryParseIPv4(s[(lastColon + 1)..], out _)))
            return false;

        if (!IPAddress.TryParse(s, out IPAddress? parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        ip = parsed;
        return true;
    }

    private static bool IsValidInterfaceName(string name)
    {
        if (name.Length is 0 or >= 128 || name is "." or "..")
            return false;
        foreach (char c in name)
        {
            if (c <= ' ' || c >= 127 || c is ':' or '/' or '%')
                return false;
        }

        return true;
    }
}
