namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The privilege keys of the sandbox (<see cref="SandboxPrivilegeSettings"/>), with systemd 252's syntax
    /// and warnings; null when the key is not one of them.</summary>
    private int? ApplyPrivilege(SandboxPrivilegeSettings p, string key, string value)
    {
        switch (key)
        {
            case "CapabilityBoundingSet":
                p.CapabilityBoundingSet = CapabilityNames.Merge(p.CapabilityBoundingSet, CapabilityNames.All, value);
                return 0;
            case "AmbientCapabilities":
                p.AmbientCapabilities = CapabilityNames.Merge(p.AmbientCapabilities, 0, value);
                return 0;
            case "NoNewPrivileges": Set(ParseBoolean(value), v => p.NoNewPrivileges = v); return 0;
            case "PrivateUsers": Set(ParseBoolean(value), v => p.PrivateUsers = v); return 0;
            case "PrivateNetwork": Set(ParseBoolean(value), v => p.PrivateNetwork = v); return 0;
            case "PrivateIPC": Set(ParseBoolean(value), v => p.PrivateIpc = v); return 0;
            case "RemoveIPC": Set(ParseBoolean(value), v => p.RemoveIpc = v); return 0;
            default:
                return null;
        }
    }
}
