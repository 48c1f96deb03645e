namespace Summon.Units;

internal enum UnitType { Service, Socket, Target, Device, Mount, Automount, Swap, Path, Timer, Slice, Scope }

/// <summary>Unit type ↔ file suffix ("service" ↔ <see cref="UnitType.Service"/>).</summary>
internal static class UnitTypes
{
    public static string ToSuffix(this UnitType type) => type switch
    {
        UnitType.Service => "service",
        UnitType.Socket => "socket",
        UnitType.Target => "target",
        UnitType.Device => "device",
        UnitType.Mount => "mount",
        UnitType.Automount => "automount",
        UnitType.Swap => "swap",
        UnitType.Path => "path",
        UnitType.Timer => "timer",
        UnitType.Slice => "slice",
        UnitType.Scope => "scope",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string suffix, out UnitType type)
    {
        // A switch, not Enum.GetValues: this runs for every unit name parsed, e.g. each Accept=yes instance.
        UnitType? parsed = suffix switch
        {
            "service" => UnitType.Service,
            "socket" => UnitType.Socket,
            "target" => UnitType.Target,
            "device" => UnitType.Device,
            "mount" => UnitType.Mount,
            "automount" => UnitType.Automount,
            "swap" => UnitType.Swap,
            "path" => UnitType.Path,
            "timer" => UnitType.Timer,
            "slice" => UnitType.Slice,
            "scope" => UnitType.Scope,
            _ => null,
        };
        type = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>The sections a unit file of this type may hold (besides X- sections), as systemd's vtables list them,
    /// and the [X-Summon] section Summon reads (other X- sections are ignored).</summary>
    internal static IReadOnlyList<string> Sections(this UnitType type) => type switch
    {
        UnitType.Service => ["Unit", "Service", "Install", SummonSection.Name],
        UnitType.Socket => ["Unit", "Socket", "Install", SummonSection.Name],
        UnitType.Mount => ["Unit", "Mount", "Install"],
        UnitType.Automount => ["Unit", "Automount", "Install"],
        UnitType.Swap => ["Unit", "Swap", "Install"],
        UnitType.Path => ["Unit", "Path", "Install"],
        UnitType.Timer => ["Unit", "Timer", "Install"],
        UnitType.Slice => ["Unit", "Slice", "Install"],
        UnitType.Scope => ["Unit", "Scope", "Install"],
        _ => ["Unit", "Install"],
    };
}
