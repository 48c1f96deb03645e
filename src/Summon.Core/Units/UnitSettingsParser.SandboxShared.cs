namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>
    /// The sandbox keys that act in more than one step of the child (systemd.exec(5)): the mount view, the capability
    /// bounding set and the system-call filters each take their part of them. Parsed once here, with one warning for a
    /// bad value, and handed to each step's settings; null for any other key.
    /// </summary>
    private int? ApplySharedSandboxKey(ExecSettings e, string key, string value)
    {
        switch (key)
        {
            case "PrivateDevices":
                Set(ParseBoolean(value), v => { e.Mounts.PrivateDevices = v; e.Privileges.PrivateDevices = v; e.Seccomp.PrivateDevices = v; });
                return 0;
            case "ProtectKernelModules":
                Set(ParseBoolean(value), v => { e.Mounts.ProtectKernelModules = v; e.Privileges.ProtectKernelModules = v; e.Seccomp.ProtectKernelModules = v; });
                return 0;
            case "ProtectKernelLogs":
                Set(ParseBoolean(value), v => { e.Mounts.ProtectKernelLogs = v; e.Privileges.ProtectKernelLogs = v; e.Seccomp.ProtectKernelLogs = v; });
                return 0;
            case "ProtectClock":
                Set(ParseBoolean(value), v => { e.Privileges.ProtectClock = v; e.Seccomp.ProtectClock = v; });
                return 0;
            case "ProtectHostname":
                Set(ParseBoolean(value), v => { e.Privileges.ProtectHostname = v; e.Seccomp.ProtectHostname = v; });
                return 0;
            case "DynamicUser":   // the user itself, and what it implies for the mounts (read there) and the filters
                Set(ParseBoolean(value), v => { e.Privileges.DynamicUser = v; e.Seccomp.DynamicUser = v; });
                return 0;
            default:
                return null;
        }
    }
}
