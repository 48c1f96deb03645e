namespace Summon.Units;

public enum UnitType { Service, Socket, Target, Device, Mount, Automount, Swap, Path, Timer, Slice, Scope }

/// <summary>Unit type ↔ file suffix ("service" ↔ <see cref="UnitType.Service"/>).</summary>
public static class UnitTypes
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
        foreach (UnitType t in Enum.GetValues<UnitType>())
        {
            if (string.Equals(t.ToSuffix(), suffix, StringComparison.Ordinal))
            {
                type = t;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>The sections a unit file of this type may hold (besides X- sections), as systemd's vtables list them.</summary>
    internal static IReadOnlyList<string> Sections(this UnitType type) => type switch
    {
        UnitType.Service => ["Unit", "Service", "Install"],
        UnitType.Socket => ["Unit", "Socket", "Install"],
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
