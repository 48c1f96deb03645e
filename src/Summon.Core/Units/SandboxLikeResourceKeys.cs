namespace Summon.Units;

/// <summary>
/// Keys of systemd.resource-control(5) that restrict what a service may reach (devices, IP peers) rather than what it
/// may consume, and that Summon does not apply yet (DevicePolicy=, DeviceAllow=, IPAddressAllow= and IPAddressDeny= are
/// applied: Manager/ControlGroups/CgroupAccess.cs); its warning says why.
/// </summary>
internal static class SandboxLikeResourceKeys
{
    public const string Why = "device and IP access control belong to the sandbox settings";

    private static readonly HashSet<string> s_keys = new(StringComparer.Ordinal)
    {
        "IPAccounting", "IPIngressFilterPath", "IPEgressFilterPath",
    };

    public static bool Contains(string key) => s_keys.Contains(key);
}
