using System.Globalization;
using Summon.Control;
using Summon.Manager.Exec;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// The process-attribute properties of `show` as systemctl 252 prints them: numbers for the scheduling policy, the
/// I/O class and the secure bits, CPU and node sets as ranges, and for what the unit leaves unset what the service
/// would get (the manager's own OOM score adjustment and timer slack, which the child inherits).
/// </summary>
internal static class ExecAttributeProperties
{
    private static readonly string[] s_numaPolicies = ["default", "preferred", "bind", "interleave", "local"];

    public static void Add(List<UnitProperty> p, ExecAttributes e, bool userMode)
    {
        Add(p, "OOMScoreAdjust", e.OomScoreAdjust is int oom ? Number(oom) : Inherited("/proc/self/oom_score_adj", "0"));
        Add(p, "TimerSlackNSec", e.TimerSlackNs is ulong slack ? slack.ToString(CultureInfo.InvariantCulture) : Inherited("/proc/self/timerslack_ns", "50000"));
        (int ioClass, int ioLevel) = ProcessAttributesPlan.IoPriority(e);
        Add(p, "IOSchedulingClass", Number(ioClass));
        Add(p, "IOSchedulingPriority", Number(ioLevel));
        Add(p, "CPUSchedulingPolicy", Number(e.CpuSchedulingPolicy ?? 0));
        Add(p, "CPUSchedulingPriority", Number(e.CpuSchedulingPriority ?? 0));
        Add(p, "CPUSchedulingResetOnFork", SettingText.YesNo(e.CpuSchedulingResetOnFork));
        Add(p, "CPUAffinity", ExecAttributeValues.RangeString(e.CpuAffinity));
        Add(p, "CPUAffinityFromNUMA", SettingText.YesNo(e.CpuAffinityFromNuma));
        Add(p, "NUMAPolicy", e.NumaPolicy is int policy && policy < s_numaPolicies.Length ? s_numaPolicies[policy] : "n/a");
        Add(p, "NUMAMask", ExecAttributeValues.RangeString(e.NumaMask));
        Add(p, "Personality", e.Personality ?? "");
        Add(p, "SecureBits", Number(e.SecureBits));
        Add(p, "KeyringMode", ProcessAttributesPlan.Keyring(e, userMode).ToString().ToLowerInvariant());
        Add(p, "TTYPath", e.TtyPath ?? "");
        Add(p, "TTYReset", SettingText.YesNo(e.TtyReset));
        Add(p, "TTYVHangup", SettingText.YesNo(e.TtyVHangup));
        Add(p, "TTYVTDisallocate", SettingText.YesNo(e.TtyVtDisallocate));
        Add(p, "ExecSearchPath", e.ExecSearchPath is { } path ? string.Join(' ', path) : "");
    }

    /// <summary>A value of the manager's own process, which a service inherits; <paramref name="fallback"/> when
    /// unreadable.</summary>
    private static string Inherited(string procFile, string fallback)
    {
        try
        {
            return File.ReadAllText(procFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Add(List<UnitProperty> p, string name, string value) => p.Add(new UnitProperty(name, value));
}
