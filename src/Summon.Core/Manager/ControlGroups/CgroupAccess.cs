using Summon.Interop;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// Applies a unit's <see cref="CgroupAccessRules"/> to its cgroup before its first process runs: the device list into
/// the v1 devices controller where a hybrid layout has one (devices.deny "a", then devices.allow, as systemd on such a
/// host), else as a cgroup2 device program; IPAddressAllow=/IPAddressDeny= as an ingress and an egress packet program
/// on the cgroup2 cgroup. Returns what could not be applied, for the caller's strict or best-effort decision.
/// </summary>
internal static class CgroupAccess
{
    public static List<string> Apply(CgroupTree tree, string dir, CgroupAccessRules rules, ResourceControl rc, List<string> legacyDirs, Action<string> warn)
    {
        var failed = new List<string>();
        using var directory = CgroupFile.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY, out int openError);
        if (directory is null)
        {
            failed.Add($"{string.Join(", ", rules.Keys(rc))} ({dir}: {Posix.Errno.Describe(openError)})");
            return failed;
        }
        if (rules.Devices is { } allow)
        {
            var skipped = new List<string>();
            var resolved = DeviceRules.Resolve(rules.Policy, allow, DeviceRules.ReadProcDevices(), skipped);
            if (skipped.Count > 0)
                warn($"DeviceAllow= entries that name no device here, not added to the device allow list: {string.Join(", ", skipped)}");
            if (Devices(tree, dir, directory, resolved, legacyDirs) is { } why)
                failed.Add($"{rules.DeviceKey(rc)} ({why})");
        }
        if (rules.Deny.Count > 0 && Packets(directory, rules) is { } reason)
            failed.Add($"IPAddressDeny= ({reason})");
        return failed;
    }

    /// <summary>The device list into the v1 controller, or as a device program; null, or why not.</summary>
    private static string? Devices(CgroupTree tree, string dir, SafeFdHandle directory, List<DeviceRule> rules, List<string> legacyDirs)
    {
        if (tree.LegacyRoots.ContainsKey("devices"))
        {
            string legacy;
            try
            {
                legacy = tree.LegacyDirectory("devices", dir, legacyDirs);
            }
            catch (CgroupException e)
            {
                return $"devices controller: {e.Message}";
            }
            int r = CgroupFile.Write(Path.Combine(legacy, "devices.deny"), "a");
            foreach (var rule in rules)
            {
                if (r != 0)
                    break;
                r = CgroupFile.Write(Path.Combine(legacy, "devices.allow"), rule.LegacyText);
            }
            return r == 0 ? null : $"devices controller at {legacy}: {Posix.Errno.Describe(r)}";
        }
        using var program = BpfLoader.Load(BpfLoader.CgroupDevice, BpfLoader.Device, DeviceFilterProgram.Build(rules), out int errno);
        if (program is null)
            return $"no devices controller, and the cgroup2 device program cannot be loaded: {Posix.Errno.Describe(errno)}";
        int attached = BpfLoader.Attach(directory, program, BpfLoader.Device);
        return attached == 0 ? null : $"the cgroup2 device program cannot be attached: {Posix.Errno.Describe(attached)}";
    }

    /// <summary>The ingress and egress programs of IPAddressAllow=/IPAddressDeny=; null, or why not.</summary>
    private static string? Packets(SafeFdHandle directory, CgroupAccessRules rules)
    {
        foreach ((bool ingress, int attachType) in (ReadOnlySpan<(bool, int)>)[(true, BpfLoader.Ingress), (false, BpfLoader.Egress)])
        {
            var code = IpFilterProgram.Build(rules.Allow, rules.Deny, ingress, IpFilterProgram.CgroupPass);
            using var program = BpfLoader.Load(BpfLoader.CgroupSkb, attachType, code, out int errno);
            if (program is null)
                return $"the cgroup2 packet filter cannot be loaded: {Posix.Errno.Describe(errno)}";
            int attached = BpfLoader.Attach(directory, program, attachType);
            if (attached != 0)
                return $"the cgroup2 packet filter cannot be attached: {Posix.Errno.Describe(attached)}";
        }
        return null;
    }
}
