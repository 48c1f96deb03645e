using System.Globalization;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// One resolved device allow rule: a character or block device class (<see cref="Kind"/> 'c' or 'b'), a major and
/// minor number (null for any) and the access it grants. What both the v1 devices controller and the cgroup2 device
/// program are built from.
/// </summary>
internal sealed record DeviceRule(char Kind, uint? Major, uint? Minor, DeviceAccessKinds Access)
{
    /// <summary>"c 1:3 rwm", "c 136:* rw": a line for the v1 controller's devices.allow.</summary>
    public string LegacyText =>
        $"{Kind} {Number(Major)}:{Number(Minor)} {DeviceAllowEntry.Letters(Access)}";

    private static string Number(uint? n) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : "*";
}
