using System.Globalization;
using Summon.Text;

namespace Summon.Units;

/// <summary>The keys of systemd.resource-control(5), with systemd 252's value syntax and warnings (load-fragment.c).</summary>
internal sealed partial class UnitSettingsParser
{
    /// <summary>[Service] resource-control keys; null when the key is not one of them.</summary>
    private int? ApplyResourceControl(ResourceControl c, string key, string value)
    {
        switch (key)
        {
            case "Slice": ApplySlice(c, value); return 0;
            case "Delegate": ApplyDelegate(c, value); return 0;
            case "MemoryMin": c.MemoryMin = ParseMemoryLimit(key, value, c.MemoryMin); return 0;
            case "MemoryLow": c.MemoryLow = ParseMemoryLimit(key, value, c.MemoryLow); return 0;
            case "MemoryHigh": c.MemoryHigh = ParseMemoryLimit(key, value, c.MemoryHigh); return 0;
            case "MemoryMax": c.MemoryMax = ParseMemoryLimit(key, value, c.MemoryMax); return 0;
            case "MemorySwapMax": c.MemorySwapMax = ParseMemoryLimit(key, value, c.MemorySwapMax); return 0;
            case "TasksMax": c.TasksMax = ParseTasksMax(value, c.TasksMax); return 0;
            case "CPUQuota": ApplyCpuQuota(c, value); return 0;
            case "CPUQuotaPeriodSec": ApplyCpuQuotaPeriod(c, value); return 0;
            case "CPUWeight": c.CPUWeight = ParseWeight(value, "Invalid CPU weight", c.CPUWeight); return 0;
            case "StartupCPUWeight": c.StartupCPUWeight = ParseWeight(value, "Invalid CPU weight", c.StartupCPUWeight); return 0;
            case "IOWeight": c.IOWeight = ParseWeight(value, "Invalid weight", c.IOWeight); return 0;
            case "CPUAccounting": Set(ParseBoolean(value), v => c.CPUAccounting = v); return 0;
            case "MemoryAccounting": Set(ParseBoolean(value), v => c.MemoryAccounting = v); return 0;
            case "TasksAccounting": Set(ParseBoolean(value), v => c.TasksAccounting = v); return 0;
            case "IOAccounting": Set(ParseBoolean(value), v => c.IOAccounting = v); return 0;
            case "DevicePolicy": ApplyDevicePolicy(c, value); return 0;
            case "DeviceAllow": ApplyDeviceAllow(c, value); return 0;
            case "IPAddressAllow": ApplyIpAddresses(c.IPAddressAllow, value); return 0;
            case "IPAddressDeny": ApplyIpAddresses(c.IPAddressDeny, value); return 0;
            default: return null;
        }
    }

    private void ApplySlice(ResourceControl c, string value)
    {
        if (Printf(value) is not { } name)
            return;
        if (!UnitName.TryParse(name, out var slice))
        {
            Warn($"Failed to load slice unit {name}, ignoring: Unit name {name} is not valid.");
            return;
        }
        if (slice.Instance is not null)
        {
            Warn($"Failed to load slice unit {name}, ignoring: Invalid argument");
            return;
        }
        if (slice.Type != UnitType.Slice)
        {
            Warn($"Failed to assign slice {name} to unit {_unit.Name.Name}, ignoring: Invalid argument");
            return;
        }
        c.Slice = slice.Name;
    }

    private void ApplyDelegate(ResourceControl c, string value)
    {
        if (value.Length == 0)
        {
            c.Delegate = false;
            c.DelegateControllers = null;
            return;
        }
        if (ValueParsers.TryParseBoolean(value, out bool yes))
        {
            c.Delegate = yes;
            c.DelegateControllers = null;
            return;
        }
        var merged = c.DelegateControllers ?? [];
        foreach (string word in Words(value))
        {
            if (!CgroupControllerNames.IsKnown(word))
                Warn($"Invalid controller name '{word}', ignoring");
            else if (!merged.Contains(word))
                merged.Add(word);
        }
        c.Delegate = true;
        c.DelegateControllers = merged;
    }

    /// <summary>config_parse_memory_limit(): "infinity", a percentage of physical memory, or a size.</summary>
    private ScaledLimit? ParseMemoryLimit(string key, string value, ScaledLimit? current)
    {
        if (value.Length == 0)
            return null;
        if (value == "infinity")
            return ScaledLimit.Infinity;
        if (ParsePermyriad(value) is { } permyriad)
        {
            if (permyriad == 0 && key is not ("MemorySwapMax" or "MemoryLow" or "MemoryMin"))
            {
                Warn($"Memory limit '{value}' out of range, ignoring.");
                return current;
            }
            return new ScaledLimit(permyriad, 10000);
        }
        int r = ValueParsers.TryParseSize(value, out ulong bytes);
        if (r != 0)
        {
            Warn($"Invalid memory limit '{value}', ignoring: {Posix.Errno.Describe(r)}");
            return current;
        }
        if (bytes == ulong.MaxValue || (bytes == 0 && key is not ("MemorySwapMax" or "MemoryLow" or "MemoryMin")))
        {
            Warn($"Memory limit '{value}' out of range, ignoring.");
            return current;
        }
        return new ScaledLimit(bytes, 0);
    }

    /// <summary>config_parse_tasks_max(): "infinity", a percentage of the system's maximum, or a count.</summary>
    private ScaledLimit? ParseTasksMax(string value, ScaledLimit? current)
    {
        if (value.Length == 0)
            return null;
        if (value == "infinity")
            return ScaledLimit.Infinity;
        if (ParsePermyriad(value) is { } permyriad)
            return new ScaledLimit(permyriad, 10000);
        int r = CNumber.TryParseUInt64(value, out ulong v);
        if (r != 0)
        {
            Warn($"Invalid maximum tasks value '{value}', ignoring: {Posix.Errno.Describe(r)}");
            return current;
        }
        if (v == 0 || v == ulong.MaxValue)
        {
            Warn($"Maximum tasks value '{value}' out of range, ignoring.");
            return current;
        }
        return new ScaledLimit(v, 0);
    }

    private void ApplyCpuQuota(ResourceControl c, string value)
    {
        if (value.Length == 0)
        {
            c.CPUQuotaPerSecUSec = null;
            return;
        }
        if (ParsePermyriad(value, unbounded: true) is not { } permyriad || permyriad == 0)
        {
            Warn($"Invalid CPU quota '{value}', ignoring.");
            return;
        }
        c.CPUQuotaPerSecUSec = permyriad * 1_000_000UL / 10000;
    }

    private void ApplyCpuQuotaPeriod(ResourceControl c, string value)
    {
        if (value.Length == 0)
        {
            c.CPUQuotaPeriodUSec = null;
            return;
        }
        if (value == "infinity")
        {
            c.CPUQuotaPeriodUSec = null;
            return;
        }
        if (ValueParsers.TryParseTimeSpan(value, out TimeSpan period) != 0)
        {
            Warn($"Failed to parse sec_def_infinity value, ignoring: {value}");
            return;
        }
        c.CPUQuotaPeriodUSec = (ulong)(period.Ticks / 10);
    }

    /// <summary>cg_weight_parse(): 1…10000; empty resets to the default.</summary>
    private ulong? ParseWeight(string value, string what, ulong? current)
    {
        if (value.Length == 0)
            return null;
        if (CNumber.TryParseUInt64(value, out ulong v) != 0 || v < 1 || v > 10000)
        {
            Warn($"{what}, ignoring: {value}");
            return current;
        }
        return v;
    }

    /// <summary>parse_permyriad(): "N%", "N.N%" (one decimal), "N‰", "N.NN‰"? "N‱"; null when the value is not one.
    /// Bounded to 100% unless <paramref name="unbounded"/> (CPUQuota=).</summary>
    internal static ulong? ParsePermyriad(string value, bool unbounded = false)
    {
        (string suffix, ulong factor, int decimals)[] forms = [("%", 100, 2), ("‰", 10, 1), ("‱", 1, 0)];
        foreach ((string suffix, ulong factor, int decimals) in forms)
        {
            if (!value.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            string number = value[..^suffix.Length];
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal d))
                return null;
            decimal scaled = d * factor;
            if (scaled != decimal.Truncate(scaled) || number.Contains('.') && number.Length - number.IndexOf('.') - 1 > decimals)
                return null;
            if (!unbounded && scaled > 10000)
                return null;
            return scaled > ulong.MaxValue / 1_000_000 ? null : (ulong)scaled;
        }
        return null;
    }

    /// <summary>config_parse_device_policy(): auto, closed or strict.</summary>
    private void ApplyDevicePolicy(ResourceControl c, string value)
    {
        switch (value)
        {
            case "auto": c.DevicePolicy = DevicePolicy.Auto; break;
            case "closed": c.DevicePolicy = DevicePolicy.Closed; break;
            case "strict": c.DevicePolicy = DevicePolicy.Strict; break;
            default: Warn($"Failed to parse device policy '{value}', ignoring."); break;
        }
    }

    /// <summary>
    /// config_parse_device_allow(): a /dev/ or /sys/ node path or a char-/block- group, then its "rwm" rights; the
    /// empty value resets the list.
    /// </summary>
    private void ApplyDeviceAllow(ResourceControl c, string value)
    {
        if (value.Length == 0)
        {
            c.DeviceAllow.Clear();
            return;
        }
        var words = Words(value).ToList();
        if (words.Count == 0 || Printf(words[0]) is not { } node)
            return;
        if (!node.StartsWith("char-", StringComparison.Ordinal) && !node.StartsWith("block-", StringComparison.Ordinal)
            && !(node.StartsWith("/dev/", StringComparison.Ordinal) || node.StartsWith("/sys/", StringComparison.Ordinal)))
        {
            Warn($"Invalid device node path '{node}', ignoring.");
            return;
        }
        string rights = words.Count > 1 ? words[1] : "";
        if (words.Count > 2 || DeviceAllowEntry.ParseAccess(rights) is not { } access)
        {
            Warn($"Invalid device rights '{string.Join(' ', words.Skip(1))}', ignoring.");
            return;
        }
        c.DeviceAllow.Add(new DeviceAllowEntry(node, access));
    }

    /// <summary>config_parse_ip_address_access(): a list of ADDRESS[/LENGTH] and special names; the empty value resets it.</summary>
    private void ApplyIpAddresses(List<IpAddressPrefix> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }
        foreach (string word in Words(value))
        {
            if (IpAddressPrefix.ParseWord(word) is { } prefixes)
                list.AddRange(prefixes.Where(p => !list.Contains(p)));
            else
                Warn($"Address prefix is invalid, ignoring assignment: {word}");
        }
    }
}
