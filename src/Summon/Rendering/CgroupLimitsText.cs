using System.Globalization;
using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>What systemctl 252 appends to status's Tasks: and Memory: lines: " (limit: N)", " (min: … max: …)".</summary>
internal static class CgroupLimitsText
{
    public static string Tasks(UnitInfo unit) =>
        unit.Get("TasksMax") is { } max && max != "infinity" && unit.Get("ControlGroup") is { Length: > 0 } ? $" (limit: {max})" : "";

    public static string Memory(UnitInfo unit)
    {
        var parts = new List<string>();
        foreach ((string key, string label, string unset) in (ReadOnlySpan<(string, string, string)>)[
            ("MemoryMin", "min", "0"), ("MemoryLow", "low", "0"), ("MemoryHigh", "high", "infinity"),
            ("MemoryMax", "max", "infinity"), ("MemorySwapMax", "swap max", "infinity")])
        {
            if (unit.Get(key) is { } value && value != unset && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes))
                parts.Add($"{label}: {TimeFormat.Bytes(bytes)}");
        }
        return parts.Count == 0 ? "" : $" ({string.Join(' ', parts)})";
    }
}
