namespace Summon.Units;

/// <summary>The control-group controllers systemd 252 knows by name (cgroup_controller_table), for Delegate=.</summary>
internal static class CgroupControllerNames
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall", "bpf-devices",
        "bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
    };

    public static bool IsKnown(string name) => s_known.Contains(name);
}
