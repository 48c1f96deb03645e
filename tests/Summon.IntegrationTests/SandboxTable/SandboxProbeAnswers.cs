using System.Globalization;
using System.Numerics;

namespace Summon.IntegrationTests.SandboxTable;

/// <summary>
/// The sandbox-probe answers in the form the table compares and shows: a namespace link becomes <c>host</c> or
/// <c>new</c> (against the manager's, which the service without keys shares), a capability mask becomes the
/// capabilities it lost or gained against the baseline (or the few it keeps, or <c>all</c>), the entries of /root become
/// <c>0</c> or <c>some</c> (anything on the machine may add one between two runs), and the answers that change with
/// the machine's load (<c>proc_pids</c>) are left out unless a row names them.
/// </summary>
internal static class SandboxProbeAnswers
{
    /// <summary>Answers that change between two runs of the same unit.</summary>
    public static readonly IReadOnlySet<string> Noisy = new HashSet<string>(StringComparer.Ordinal) { "proc_pids" };

    private static readonly string[] s_capabilities =
    [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
        "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
        "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
        "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
        "checkpoint_restore",
    ];

    /// <summary>Every capability the kernel knows, as cap_* shows it with nothing taken away.</summary>
    public static readonly string All = ((1UL << 41) - 1).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary><paramref name="value"/> of <paramref name="key"/> as compared: namespaces against the host's link,
    /// capabilities against the baseline's answer.</summary>
    public static string Normalize(string key, string value, string baseline, string host)
    {
        if (key.StartsWith("ns_", StringComparison.Ordinal))
            return value == host ? "host" : "new";
        if (key == "read_home_entries")
            return value == "0" ? value : "some";
        if (key.StartsWith("cap_", StringComparison.Ordinal) && value != baseline
            && ulong.TryParse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong now)
            && ulong.TryParse(baseline, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong before))
            return Capabilities(now, before);
        return value;
    }

    /// <summary>"none", "-a -b" (lost), "+a" (gained), or "only a b" when it keeps fewer than it lost.</summary>
    private static string Capabilities(ulong now, ulong before)
    {
        if (now == 0)
            return "none";
        if (now.ToString("x16", CultureInfo.InvariantCulture) == All)
            return "all";
        ulong lost = before & ~now, gained = now & ~before;
        if (BitOperations.PopCount(now) < BitOperations.PopCount(lost))
            return "only " + Names(now, "");
        return string.Join(' ', new[] { Names(lost, "-"), Names(gained, "+") }.Where(s => s.Length > 0));
    }

    private static string Names(ulong mask, string sign) =>
        string.Join(' ', Enumerable.Range(0, 64).Where(bit => (mask & (1UL << bit)) != 0)
            .Select(bit => sign + (bit < s_capabilities.Length ? s_capabilities[bit] : "cap" + bit)));
}
