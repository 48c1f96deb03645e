using System.Net;
using System.Net.Sockets;

namespace Summon.Units;

/// <summary>
/// One entry of IPAddressAllow=/IPAddressDeny=: an IPv4 or IPv6 network, its address masked to <see cref="Length"/>
/// bits as systemd stores it (in_addr_prefix_from_string_auto).
/// </summary>
internal readonly record struct IpAddressPrefix(IPAddress Address, int Length)
{
    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The address's bytes with every bit past the prefix cleared.</summary>
    public byte[] MaskedBytes()
    {
        byte[] bytes = Address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(Length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - keep));
        }
        return bytes;
    }

    /// <summary>The names of systemd.resource-control(5)'s table of special address names, with what each stands for.</summary>
    private static readonly Dictionary<string, string[]> s_names = new(StringComparer.Ordinal)
    {
        ["any"] = ["0.0.0.0/0", "::/0"],
        ["localhost"] = ["127.0.0.0/8", "::1/128"],
        ["link-local"] = ["169.254.0.0/16", "fe80::/64"],
        ["multicast"] = ["224.0.0.0/4", "ff00::/8"],
    };

    /// <summary>A word of the list: a special name (two prefixes), or ADDRESS[/LENGTH]; null when it is neither.</summary>
    public static IpAddressPrefix[]? ParseWord(string word)
    {
        if (s_names.TryGetValue(word, out string[]? both))
            return [Parse(both[0])!.Value, Parse(both[1])!.Value];
        return Parse(word) is { } one ? [one] : null;
    }

    private static IpAddressPrefix? Parse(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text[..slash];
        IPAddress? ip = ListenAddressParser.TryParseIPv4(address, out var v4) ? v4
            : ListenAddressParser.TryParseIPv6(address, out var v6) ? v6 : null;
        if (ip is null)
            return null;
        int max = ip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        int length = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out length) || length > max))
            return null;
        var prefix = new IpAddressPrefix(ip, length);
        return prefix with { Address = new IPAddress(prefix.MaskedBytes()) };
    }

    public override string ToString() => $"{Address}/{Length}";
}
