namespace Summon.Units;

/// <summary>
/// Linux capability names and numbers as systemd 252 knows them (`systemd-analyze capability`), and the
/// capability-set syntax of CapabilityBoundingSet=/AmbientCapabilities=.
/// </summary>
internal static class CapabilityNames
{
    /// <summary>The names, index = capability number.</summary>
    private static readonly string[] s_names = ["cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice", "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore"];

    /// <summary>Every bit: systemd's CAP_ALL, the bounding set of a unit that does not set one.</summary>
    public const ulong All = ulong.MaxValue;

    /// <summary>Capability numbers systemd accepts as numbers (below CAP_LIMIT).</summary>
    private const int Limit = 63;

    /// <summary>The name of capability <paramref name="cap"/> ("cap_chown"), or its number for one without a name.</summary>
    public static string NameOf(int cap) => cap < s_names.Length ? s_names[cap] : cap.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>capability_from_name(): a name in any case, or a number below 63; -1 when neither.</summary>
    public static int FromName(string name)
    {
        for (int i = 0; i < s_names.Length; i++)
            if (string.Equals(s_names[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        return int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n < Limit ? n : -1;
    }

    /// <summary>
    /// One assignment merged into <paramref name="current"/> as config_parse_capability_set() does: a leading '~'
    /// inverts; an empty list ("" or "~") or a set still at its <paramref name="initial"/> value is replaced, otherwise
    /// the new names are OR-ed in (or, inverted, AND-ed out). Unknown names are skipped, as systemd skips them.
    /// </summary>
    public static ulong Merge(ulong current, ulong initial, string value)
    {
        bool invert = value.StartsWith('~');
        ulong sum = 0;
        foreach (string word in value[(invert ? 1 : 0)..].Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            int cap = FromName(word);
            if (cap >= 0)
                sum |= 1UL << cap;
        }

        if (sum == 0 || current == initial)
            return invert ? ~sum : sum;
        return invert ? current & ~sum : current | sum;
    }
}
