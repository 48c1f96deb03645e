namespace Summon.Units;

/// <summary>
/// The targets systemd.special(7) names: on a systemd machine they exist whether or not a file for them is in the
/// unit path, and Summon treats them as built in (the boot targets' .wants/ are what it starts), so a unit wanted by
/// one of them is not wanted by "a non-existent unit".
/// </summary>
internal static class SpecialTargets
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "basic.target", "bluetooth.target", "boot-complete.target", "cryptsetup-pre.target", "cryptsetup.target",
        "ctrl-alt-del.target", "default.target", "emergency.target", "exit.target", "factory-reset.target",
        "final.target", "first-boot-complete.target", "getty-pre.target", "getty.target", "graphical.target",
        "halt.target", "hibernate.target", "hybrid-sleep.target", "initrd-fs.target", "initrd-root-device.target",
        "initrd-root-fs.target", "initrd-usr-fs.target", "initrd.target", "integritysetup-pre.target",
        "integritysetup.target", "kbrequest.target", "kexec.target", "local-fs-pre.target", "local-fs.target",
        "machines.target", "multi-user.target", "network-online.target", "network-pre.target", "network.target",
        "nss-lookup.target", "nss-user-lookup.target", "paths.target", "poweroff.target", "printer.target",
        "reboot.target", "remote-cryptsetup.target", "remote-fs-pre.target", "remote-fs.target",
        "remote-veritysetup.target", "rescue.target", "rpcbind.target", "runlevel0.target", "runlevel1.target",
        "runlevel2.target", "runlevel3.target", "runlevel4.target", "runlevel5.target", "runlevel6.target",
        "shutdown.target", "sigpwr.target", "sleep.target", "slices.target", "smartcard.target", "sockets.target",
        "sound.target", "suspend-then-hibernate.target", "suspend.target", "swap.target", "sysinit.target",
        "system-update-pre.target", "system-update.target", "time-set.target", "time-sync.target", "timers.target",
        "umount.target", "usb-gadget.target", "veritysetup-pre.target", "veritysetup.target",
        // The user manager's own (systemd.special(7), "Special User Units" and "Special Passive User Units").
        "graphical-session-pre.target", "graphical-session.target", "xdg-desktop-autostart.target",
    };

    /// <summary>Whether <paramref name="name"/> is one of systemd's special targets.</summary>
    public static bool Contains(string name) => Names.Contains(name);
}
