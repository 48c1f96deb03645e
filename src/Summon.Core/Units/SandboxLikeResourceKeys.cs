namespace Summon.Units;

/// <summary>
/// Keys of systemd.resource-control(5) that restrict what a service may reach (devices, IP peers) rather than what it
/// may consume: systemd applies them with BPF programs attached to the cgroup. They belong with the sandbox settings
/// (their own issue), so the control-group part of Summon leaves them unapplied and says why in its warning.
/// </summary>
internal static class SandboxLikeResourceKeys
{
    public const string Why = "device and IP access control belong to the sandbox settings";

    private static readonly HashSet<string> s_keys = new(StringComparer.Ordinal)
    {
        "DeviceAllow", "DevicePolicy", "IPAddressAllow", "IPAddressDeny", "IPAccounting", "IPIngressFilterPath",
        "IPEgressFilterPath",
    };

    public static bool Contains(string key) => s_keys.Contains(key);
}
