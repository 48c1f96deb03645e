using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The process-attribute keys of systemd.exec(5) (<see cref="ExecAttributes"/>), with systemd 252's
    /// syntax and warnings; null when the key is not one of them.</summary>
    private int? ApplyExecAttribute(ExecAttributes e, string key, string value)
    {
        switch (key)
        {
            case "OOMScoreAdjust": ApplyOomScoreAdjust(e, value); return 0;
            case "CPUSchedulingPolicy": ApplySchedulingPolicy(e, value); return 0;
            case "CPUSchedulingPriority": ApplySchedulingPriority(e, value); return 0;
            case "CPUSchedulingResetOnFork": Set(ParseBoolean(value), v => e.CpuSchedulingResetOnFork = v); return 0;
            case "CPUAffinity": ApplyCpuAffinity(e, value); return 0;
            case "NUMAPolicy": ApplyNumaPolicy(e, value); return 0;
            case "NUMAMask":
                if (value.Length == 0)
                    e.NumaMask = null;
                else if (ParseCpuSet(value) is { } nodes)
                    e.NumaMask = nodes;
                else
                    Warn($"Failed to parse NUMA node mask, ignoring: {value}");
                return 0;
            case "IOSchedulingClass": ApplyIoClass(e, value); return 0;
            case "IOSchedulingPriority": ApplyIoPriority(e, value); return 0;
            case "Personality": ApplyPersonality(e, value); return 0;
            case "TimerSlackNSec":
                if (ExecAttributeValues.TryParseNsec(value, out ulong slack))
                    e.TimerSlackNs = slack;
                else
                    Warn($"Failed to parse nsec value, ignoring: {value}");
                return 0;
            case "SecureBits":
                e.SecureBits = value.Length == 0 ? 0 : e.SecureBits | ExecAttributeValues.SecureBitsOf(value);
                return 0;
            case "KeyringMode":
                KeyringMode? mode = value switch
                {
                    "inherit" => KeyringMode.Inherit,
                    "private" => KeyringMode.Private,
                    "shared" => KeyringMode.Shared,
                    _ => null,
                };
                if (mode is null)
                    Warn($"Failed to parse keyring mode, ignoring: {value}");
                else
                    e.KeyringMode = mode;
                return 0;
            case "TTYPath": ApplyTtyPath(e, value); return 0;
            case "TTYReset": Set(ParseBoolean(value), v => e.TtyReset = v); return 0;
            case "TTYVHangup": Set(ParseBoolean(value), v => e.TtyVHangup = v); return 0;
            case "TTYVTDisallocate": Set(ParseBoolean(value), v => e.TtyVtDisallocate = v); return 0;
            case "ExecSearchPath": ApplyExecSearchPath(e, value); return 0;
            default:
                return null;
        }
    }

    /// <summary>config_parse_exec_oom_score_adjust().</summary>
    private void ApplyOomScoreAdjust(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.OomScoreAdjust = null;
            return;
        }

        int r = ValueParsers.TryParseInteger(value, out int adjust);
        if (r != 0)
            Warn($"Failed to parse the OOM score adjust value '{value}', ignoring: {Errno.Describe(r)}");
        else if (adjust is < -1000 or > 1000)
            Warn($"OOM score adjust value out of range, ignoring: {value}");
        else
            e.OomScoreAdjust = adjust;
    }

    /// <summary>config_parse_exec_cpu_sched_policy(): a name or a number; the priority is clamped to the policy's
    /// range.</summary>
    private void ApplySchedulingPolicy(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.CpuSchedulingPolicy = null;
            e.CpuSchedulingPriority = null;
            return;
        }

        if (ExecAttributeValues.SchedulingPolicyOf(value) is not int policy)
        {
            Warn($"Failed to parse CPU scheduling policy, ignoring: {value}");
            return;
        }

        e.CpuSchedulingPolicy = policy;
        (int min, int max) = ExecAttributeValues.PriorityRange(policy);
        e.CpuSchedulingPriority = Math.Clamp(e.CpuSchedulingPriority ?? 0, min, max);
    }

    /// <summary>config_parse_exec_cpu_sched_prio(): the policy may come later, so only 0..99 is checked here.</summary>
    private void ApplySchedulingPriority(ExecAttributes e, string value)
    {
        if (ValueParsers.TryParseInteger(value, out int priority) != 0)
            Warn($"Failed to parse CPU scheduling priority, ignoring: {value}");
        else if (priority is < 0 or > 99)
            Warn($"CPU scheduling priority is out of range, ignoring: {value}");
        else
            e.CpuSchedulingPriority = priority;
    }

    /// <summary>config_parse_exec_cpu_affinity(): "numa", or CPUs and ranges added to the set; empty resets.</summary>
    private void ApplyCpuAffinity(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.CpuAffinity = null;
            e.CpuAffinityFromNuma = false;
            return;
        }

        if (value == "numa")
        {
            e.CpuAffinityFromNuma = true;
            e.CpuAffinity = null;
            return;
        }

        if (ParseCpuSet(value) is not { } cpus)
            return;
        e.CpuAffinityFromNuma = false;
        e.CpuAffinity ??= [];
        e.CpuAffinity.UnionWith(cpus);
    }

    /// <summary>parse_cpu_set_extend(): numbers and "A-B" ranges separated by spaces or commas, each below 8192;
    /// null (with systemd's warning) when any is bad.</summary>
    private SortedSet<int>? ParseCpuSet(string value)
    {
        var set = new SortedSet<int>();
        foreach (string word in value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = word.IndexOf('-', 1);
            string first = dash > 0 ? word[..dash] : word, last = dash > 0 ? word[(dash + 1)..] : word;
            if (!uint.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out uint lo)
                || !uint.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out uint hi))
            {
                Warn($"Failed to parse CPU affinity '{word}'");
                return null;
            }

            if (lo > hi)
            {
                Warn($"Range '{word}' is invalid, {lo} > {hi}, ignoring.");
                return null;
            }

            if (hi >= ExecAttributeValues.MaxCpus)
            {
                Warn($"Cannot add CPU {hi} to set: {Errno.Describe(Errno.ERANGE)}");
                return null;
            }

            for (uint cpu = lo; cpu <= hi; cpu++)
                set.Add((int)cpu);
        }

        return set;
    }

    private void ApplyNumaPolicy(ExecAttributes e, string value)
    {
        int? policy = value switch
        {
            "default" => 0,
            "preferred" => 1,
            "bind" => 2,
            "interleave" => 3,
            "local" => 4,
            _ => null,
        };
        if (policy is null)
            Warn($"Invalid NUMA policy type, ignoring: {value}");
        else
            e.NumaPolicy = policy;
    }

    /// <summary>config_parse_exec_io_class(): a name or a number below 8; empty resets.</summary>
    private void ApplyIoClass(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.IoSchedulingClass = null;
            e.IoSchedulingPriority = null;
            return;
        }

        int? ioClass = value switch
        {
            "none" => 0,
            "realtime" => 1,
            "best-effort" => 2,
            "idle" => 3,
            _ => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) && n < 8 ? (int)n : null,
        };
        if (ioClass is null)
            Warn($"Failed to parse IO scheduling class, ignoring: {value}");
        else
            e.IoSchedulingClass = ioClass;
    }

    /// <summary>config_parse_exec_io_priority(): 0..7; empty resets.</summary>
    private void ApplyIoPriority(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.IoSchedulingPriority = null;
            return;
        }

        if (uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint priority) && priority < 8)
            e.IoSchedulingPriority = (int)priority;
        else
            Warn($"Failed to parse IO priority, ignoring: {value}");
    }

    /// <summary>config_parse_personality(): the native architecture or its secondary one; empty resets.</summary>
    private void ApplyPersonality(ExecAttributes e, string value)
    {
        if (value.Length == 0)
            e.Personality = null;
        else if (ExecAttributeValues.PersonalityOf(value, RuntimeInformation.ProcessArchitecture) is not null)
            e.Personality = value;
        else
            Warn($"Failed to parse personality, ignoring: {value}");
    }

    private void ApplyTtyPath(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.TtyPath = null;
            return;
        }

        if (Printf(value) is not string path)
            return;
        if (!path.StartsWith('/'))
            Warn($"TTYPath= path is not absolute, ignoring: {path}");
        else
            e.TtyPath = ExecCommandParser.SimplifyPath(path);
    }

    /// <summary>config_parse_colon_separated_paths(): absolute paths joined by ':'; empty resets; a bad one is
    /// skipped.</summary>
    private void ApplyExecSearchPath(ExecAttributes e, string value)
    {
        if (value.Length == 0)
        {
            e.ExecSearchPath = null;
            return;
        }

        foreach (string part in value.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Printf(part) is not string path)
                continue;
            if (!path.StartsWith('/'))
            {
                Warn($"ExecSearchPath= path is not absolute, ignoring: {path}");
                continue;
            }

            e.ExecSearchPath ??= [];
            e.ExecSearchPath.Add(ExecCommandParser.SimplifyPath(path));
        }
    }
}
