using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// What a unit's cgroup must filter: its devices (null: every device) and the IP peers of its traffic, with the keys
/// that asked for them as the journal names them ("DevicePolicy=closed", "IPAddressDeny="). <see cref="Asked"/> is false
/// when only other keys imply the device list (PrivateDevices=, ProtectClock=): not applying it then is said, not fatal.
/// </summary>
internal sealed record CgroupAccessRules(
    DevicePolicy Policy, List<DeviceAllowEntry>? Devices, IReadOnlyList<IpAddressPrefix> Allow, IReadOnlyList<IpAddressPrefix> Deny, bool Asked)
{
    /// <summary>The rules of a service's settings; null when it filters nothing.</summary>
    public static CgroupAccessRules? Of(ServiceSection settings)
    {
        var rc = settings.Resources;
        var privileges = settings.Exec.Privileges;
        var (policy, allow) = DeviceRules.Effective(rc, settings.Exec.Mounts.PrivateDevices || privileges.PrivateDevices, privileges.ProtectClock);
        bool devices = DeviceRules.Filtered(policy, allow);
        if (!devices && rc.IPAddressDeny.Count == 0)
            return null;
        return new CgroupAccessRules(policy, devices ? allow : null, rc.IPAddressAllow, rc.IPAddressDeny, rc.HasAccessRules);
    }

    /// <summary>"DevicePolicy=closed", "DeviceAllow=", "PrivateDevices=": the key the device list comes from.</summary>
    public string DeviceKey(ResourceControl rc) =>
        rc.DevicePolicy != DevicePolicy.Auto ? "DevicePolicy=" + rc.DevicePolicy.ToString().ToLowerInvariant()
        : rc.DeviceAllow.Count > 0 ? "DeviceAllow=" : Policy == DevicePolicy.Closed ? "PrivateDevices=" : "ProtectClock=";

    /// <summary>The keys these rules apply, as the journal names them.</summary>
    public IEnumerable<string> Keys(ResourceControl rc)
    {
        if (Devices is not null)
            yield return DeviceKey(rc);
        if (Deny.Count > 0)
            yield return "IPAddressDeny=";
    }
}
