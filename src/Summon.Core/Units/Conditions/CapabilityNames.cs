namespace Summon.Units.Conditions;

/// <summary>Linux capability names (capability_from_name(): "cap_sys_admin" in any case, or the number).</summary>
internal static class CapabilityNames
{
    private static readonly string[] s_names =
    [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
        "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
        "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
        "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
        "checkpoint_restore",
    ];

    public static int? FromName(string name)
    {
        if (uint.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint n))
            return n < 64 ? (int)n : null;
        if (!name.StartsWith("cap_", StringComparison.OrdinalIgnoreCase))
            return null;
        int i = Array.FindIndex(s_names, s => s.Equals(name[4..], StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : i;
    }
}
