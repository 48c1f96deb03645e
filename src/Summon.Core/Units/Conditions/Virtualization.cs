using Summon.Posix;
namespace Summon.Units.Conditions;

/// <summary>
/// systemd-detect-virt's answer from local files: a container (what the container manager says, then the files
/// Docker and Podman leave), else a VM (CPUID's hypervisor vendor, then DMI). Its ids are systemd's.
/// </summary>
internal static class Virtualization
{
    private static readonly string[] s_containerIds = ["lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch"];

    /// <summary>(id, true) in a container, (id, false) in a VM, (null, false) on bare metal.</summary>
    public static (string? Id, bool IsContainer) Detect(IConditionFacts facts)
    {
        if (DetectContainer(facts) is { } container)
            return (container, true);
        return (DetectVm(facts), false);
    }

    public static string? DetectContainer(IConditionFacts facts)
    {
        if (facts.Exists("/proc/vz") && !facts.Exists("/proc/bc"))
            return "openvz";
        if (facts.ReadFile("/proc/sys/kernel/osrelease") is { } release
            && (release.Contains("Microsoft", StringComparison.Ordinal) || release.Contains("WSL", StringComparison.Ordinal)))
            return "wsl";
        string? named = facts.IsPid1
            ? Value(facts.Environment, "container")
            : facts.ReadFile("/run/systemd/container")?.Split('\n')[0] ?? Pid1Container(facts);
        if (named is not null)
            return named.Length == 0 ? null : s_containerIds.Contains(named) ? named : "container-other";
        if (facts.Exists("/run/.containerenv"))
            return "podman";
        if (facts.Exists("/.dockerenv"))
            return "docker";
        // PID 1 whose host pid is not 1 lives in a PID namespace: some container.
        if (facts.ReadFile("/proc/1/sched") is { } sched && sched.Split('\n')[0] is var first && first.LastIndexOf('(') is int open and >= 0
            && !first[open..].StartsWith("(1,", StringComparison.Ordinal))
            return "container-other";
        return null;
    }

    private static string? Pid1Container(IConditionFacts facts)
        => facts.ReadFile("/proc/1/environ") is { } environ ? Value(environ.Split('\0'), "container") : null;

    private static string? Value(IEnumerable<string> environment, string name)
    {
        foreach (string entry in environment)
            if (entry.StartsWith(name + "=", StringComparison.Ordinal))
                return entry[(name.Length + 1)..];
        return null;
    }

    private static readonly (string Vendor, string Id)[] s_cpuidVendors =
    [
        ("XenVMMXenVMM", "xen"), ("KVMKVMKVM", "kvm"), ("Linux KVM Hv", "kvm"), ("TCGTCGTCGTCG", "qemu"),
        ("VMwareVMware", "vmware"), ("Microsoft Hv", "microsoft"), ("bhyve bhyve ", "bhyve"), ("QNXQVMBSQG", "qnx"),
        ("ACRNACRNACRN", "acrn"), ("SRESRESRESRE", "sre"), ("Apple VZ", "apple"),
    ];

    private static readonly (string Prefix, string Id)[] s_dmiVendors =
    [
        ("KVM", "kvm"), ("OpenStack", "kvm"), ("KubeVirt", "kvm"), ("Amazon EC2", "amazon"), ("QEMU", "qemu"),
        ("VMware", "vmware"), ("VMW", "vmware"), ("innotek GmbH", "oracle"), ("VirtualBox", "oracle"),
        ("Oracle Corporation", "oracle"), ("Xen", "xen"), ("Bochs", "bochs"), ("Parallels", "parallels"),
        ("BHYVE", "bhyve"), ("Hyper-V", "microsoft"), ("Apple Virtualization", "apple"),
    ];

    private static string? DetectVm(IConditionFacts facts)
    {
        if (facts.ReadFile("/proc/xen/capabilities") is { } xen)
            return xen.Contains("control_d", StringComparison.Ordinal) ? null : "xen";
        if (facts.HasCpuFeature("hypervisor"))
        {
            string vendor = facts.HypervisorVendor;
            foreach (var (v, id) in s_cpuidVendors)
                if (vendor.StartsWith(v, StringComparison.Ordinal))
                    return id;
        }
        foreach (string field in (string[])["product_name", "sys_vendor", "board_vendor", "bios_vendor", "product_version"])
        {
            if (facts.ReadFile("/sys/class/dmi/id/" + field) is not { } dmi)
                continue;
            foreach (var (prefix, id) in s_dmiVendors)
                if (dmi.StartsWith(prefix, StringComparison.Ordinal))
                    return id;
        }
        if (facts.HasCpuFeature("hypervisor"))
            return "vm-other";
        if (facts.ReadFile("/sys/hypervisor/type")?.Trim() == "xen")
            return "xen";
        return null;
    }

    /// <summary>running_in_userns(): an uid or gid map other than the identity, or setgroups denied.</summary>
    public static bool InUserNamespace(IConditionFacts facts)
    {
        foreach (string map in (string[])["/proc/self/uid_map", "/proc/self/gid_map"])
        {
            if (facts.ReadFile(map) is not { } text)
                return false;
            string[] f = text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (!(f.Length == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"))
                return true;
        }
        return facts.ReadFile("/proc/self/setgroups")?.Trim() == "deny";
    }
}
