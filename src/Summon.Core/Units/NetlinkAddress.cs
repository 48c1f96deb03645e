using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Summon.Text;

namespace Summon.Units;

/// <summary>ListenNetlink= values: "FAMILY [GROUP]" with systemd's family names; printed "kobject-uevent 1".</summary>
internal static class NetlinkAddress
{
    /// <summary>NETLINK_* protocol numbers by systemd's names.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Families = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["route"] = 0, ["firewall"] = 3, ["inet-diag"] = 4, ["nflog"] = 5, ["xfrm"] = 6, ["selinux"] = 7, ["iscsi"] = 8,
        ["audit"] = 9, ["fib-lookup"] = 10, ["connector"] = 11, ["netfilter"] = 12, ["ip6-fw"] = 13, ["dnrtmsg"] = 14,
        ["kobject-uevent"] = 15, ["generic"] = 16, ["scsitransport"] = 18, ["ecryptfs"] = 19, ["rdma"] = 20, ["crypto"] = 21,
    };

    public static bool TryParse(string text, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 2)
            return false;
        string family = words[0];
        if (!Families.ContainsKey(family))
        {
            if (CNumber.TryParseUInt32(family, out uint number) != 0 || number > int.MaxValue)
                return false;
            family = Families.FirstOrDefault(kv => kv.Value == number).Key ?? number.ToString(CultureInfo.InvariantCulture);
        }

        uint group = 0;
        if (words.Length == 2 && CNumber.TryParseUInt32(words[1], out group) != 0)
            return false;
        canonical = string.Create(CultureInfo.InvariantCulture, $"{family} {group}");
        return true;
    }
}
