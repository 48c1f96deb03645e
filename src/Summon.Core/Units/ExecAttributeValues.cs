using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Summon.Units;

/// <summary>The value syntaxes and numbers of the process-attribute keys (<see cref="ExecAttributes"/>): systemd's
/// names for scheduling policies, secure bits and personalities, and the kernel's numbers for them.</summary>
internal static class ExecAttributeValues
{
    /// <summary>systemd's CPU_SET limit: a CPU or NUMA node index must be below this.</summary>
    public const int MaxCpus = 8192;

    /// <summary>PER_LINUX and PER_LINUX32 (personality(2)).</summary>
    public const uint PerLinux = 0, PerLinux32 = 8;

    /// <summary>sched_policy_from_string(): the names, or any non-negative number.</summary>
    public static int? SchedulingPolicyOf(string value) => value switch
    {
        "other" => 0,
        "fifo" => 1,
        "rr" => 2,
        "batch" => 3,
        "idle" => 5,
        _ => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null,
    };

    /// <summary>sched_get_priority_min/max() of Linux: 1..99 for fifo and rr, 0 for the others.</summary>
    public static (int Min, int Max) PriorityRange(int policy) => policy is 1 or 2 ? (1, 99) : (0, 0);

    /// <summary>secure_bits_from_string(): the SECBIT_* mask of the names among the words (others are skipped, as
    /// systemd 252 does).</summary>
    public static int SecureBitsOf(string value)
    {
        int bits = 0;
        foreach (string word in value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            bits |= word switch
            {
                "noroot" => 1 << 0,
                "noroot-locked" => 1 << 1,
                "no-setuid-fixup" => 1 << 2,
                "no-setuid-fixup-locked" => 1 << 3,
                "keep-caps" => 1 << 4,
                "keep-caps-locked" => 1 << 5,
                _ => 0,
            };
        }

        return bits;
    }

    /// <summary>personality_from_string(): PER_LINUX for the native architecture's name, PER_LINUX32 for its
    /// secondary one, null for anything else.</summary>
    public static uint? PersonalityOf(string value, Architecture architecture) => (architecture, value) switch
    {
        (Architecture.X64, "x86-64") => PerLinux,
        (Architecture.X64, "x86") => PerLinux32,
        (Architecture.Arm64, "arm64") => PerLinux,
        (Architecture.Arm64, "arm") => PerLinux32,
        _ => null,
    };

    /// <summary>parse_nsec(): a bare number is nanoseconds; otherwise a time span ("1us", "2ms 500us").</summary>
    public static bool TryParseNsec(string value, out ulong nsec)
    {
        nsec = 0;
        string t = value.Trim();
        string digits = t.EndsWith("nsec", StringComparison.Ordinal) ? t[..^4].TrimEnd()
            : t.EndsWith("ns", StringComparison.Ordinal) ? t[..^2].TrimEnd() : t;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out nsec);
        if (TimeSpans.TryParse(t, TimeSpans.UsecPerSec, out ulong usec) != 0 || usec == TimeSpans.Infinity || usec > ulong.MaxValue / 1000)
            return false;
        nsec = usec * 1000;
        return true;
    }

    /// <summary>cpu_set_to_range_string(): "0-3 6 8-9", or "" for an empty or unset set.</summary>
    public static string RangeString(IEnumerable<int>? set)
    {
        if (set is null)
            return "";
        var sb = new StringBuilder();
        int start = -1, end = -1;
        foreach (int cpu in set)
        {
            if (cpu == end + 1 && start >= 0)
            {
                end = cpu;
                continue;
            }

            Append(sb, start, end);
            start = end = cpu;
        }

        Append(sb, start, end);
        return sb.ToString();

        static void Append(StringBuilder sb, int start, int end)
        {
            if (start < 0)
                return;
            if (sb.Length > 0)
                sb.Append(' ');
            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end > start)
                sb.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
        }
    }
}
