namespace Summon.Units;

/// <summary>
/// The special targets as the manager knows them when no unit file names them: the dependencies of systemd 252's own
/// target files (units/*.target), so that booting default.target pulls sockets.target, basic.target and the rest in
/// the order systemd does on a machine whose unit path holds none of them.
/// </summary>
internal static class BuiltInTargets
{
    /// <summary>What default.target stands for when no file defines it: multi-user.target for the system manager.</summary>
    public const string SystemDefault = "multi-user.target";

    private static readonly HashSet<string> NoDefaultDependencies = new(StringComparer.Ordinal)
    {
        "ctrl-alt-del.target", "exit.target", "final.target", "halt.target", "hibernate.target", "hybrid-sleep.target",
        "initrd-fs.target", "initrd-root-device.target", "initrd-root-fs.target", "initrd-usr-fs.target", "kexec.target",
        "local-fs.target", "poweroff.target", "reboot.target", "remote-cryptsetup.target", "remote-fs.target",
        "remote-veritysetup.target", "runlevel0.target", "runlevel6.target", "shutdown.target", "sleep.target",
        "suspend-then-hibernate.target", "suspend.target", "timers.target", "umount.target",
    };

    private static readonly HashSet<string> RefuseManualStart = new(StringComparer.Ordinal)
    {
        "cryptsetup-pre.target", "final.target", "first-boot-complete.target", "integritysetup-pre.target",
        "local-fs-pre.target", "network-pre.target", "network.target", "nss-lookup.target", "nss-user-lookup.target",
        "remote-fs-pre.target", "rpcbind.target", "shutdown.target", "sleep.target", "system-update-pre.target",
        "time-set.target", "time-sync.target", "umount.target", "veritysetup-pre.target",
    };

    /// <summary>The definition of the special target <paramref name="name"/>, or null when it is not one.</summary>
    public static LoadedUnit? Definition(UnitName name, bool userMode)
    {
        if (name.Type != UnitType.Target || !SpecialTargets.Contains(name.Name))
            return null;
        var unit = new LoadedUnit { Name = name, LoadState = LoadState.Loaded, Names = [name.Name] };
        UnitSection u = unit.Unit;
        u.Description = Description(name.Name, userMode);
        u.DefaultDependencies = !NoDefaultDependencies.Contains(name.Name);
        u.RefuseManualStart = RefuseManualStart.Contains(name.Name);
        switch (name.Name)
        {
            case "default.target" when userMode:
                u.Requires.Add("basic.target");
                u.After.Add("basic.target");
                u.AllowIsolate = true;
                break;
            case "multi-user.target":
                u.Requires.Add("basic.target");
                u.After.Add("basic.target");
                u.AllowIsolate = true;
                break;
            case "basic.target" when userMode:
                u.Wants.AddRange(["sockets.target", "timers.target", "paths.target"]);
                u.After.AddRange(["sockets.target", "timers.target", "paths.target"]);
                break;
            case "basic.target":
                u.Requires.Add("sysinit.target");
                u.Wants.AddRange(["sockets.target", "timers.target", "paths.target", "slices.target"]);
                u.After.AddRange(["sysinit.target", "sockets.target", "paths.target", "slices.target"]);
                break;
            case "sysinit.target":
                u.Wants.AddRange(["local-fs.target", "swap.target"]);
                u.After.AddRange(["local-fs.target", "swap.target"]);
                break;
            case "network.target":
                u.After.Add("network-pre.target");
                break;
            case "emergency.target" or "rescue.target":
                u.AllowIsolate = true;
                break;
        }
        return unit;
    }

    /// <summary>The Description= of systemd 252's target files, the name for the others.</summary>
    private static string Description(string name, bool userMode) => name switch
    {
        "default.target" when userMode => "Main User Target",
        "basic.target" => "Basic System",
        "multi-user.target" => "Multi-User System",
        "graphical.target" => "Graphical Interface",
        "sysinit.target" => "System Initialization",
        "sockets.target" => "Socket Units",
        "timers.target" => "Timer Units",
        "paths.target" => "Path Units",
        "slices.target" => "Slice Units",
        "local-fs.target" => "Local File Systems",
        "local-fs-pre.target" => "Preparation for Local File Systems",
        "swap.target" => "Swaps",
        "shutdown.target" => "System Shutdown",
        "exit.target" => "Exit the Session",
        "network.target" => "Network",
        "network-online.target" => "Network is Online",
        "network-pre.target" => "Preparation for Network",
        "nss-lookup.target" => "Host and Network Name Lookups",
        "nss-user-lookup.target" => "User and Group Name Lookups",
        "remote-fs.target" => "Remote File Systems",
        "time-sync.target" => "System Time Synchronized",
        "time-set.target" => "System Time Set",
        "getty.target" => "Login Prompts",
        "rescue.target" => "Rescue Mode",
        "emergency.target" => "Emergency Mode",
        _ => name,
    };
}
