namespace Summon.Units;

/// <summary>DevicePolicy= (systemd.resource-control(5)).</summary>
internal enum DevicePolicy
{
    /// <summary>Every device, unless DeviceAllow= lists some: then as <see cref="Closed"/>.</summary>
    Auto,

    /// <summary>The standard pseudo devices and DeviceAllow='s.</summary>
    Closed,

    /// <summary>DeviceAllow='s alone.</summary>
    Strict,
}

/// <summary>The kinds of access a device rule grants, with the kernel's BPF_DEVCG_ACC_* bits as values.</summary>
[Flags]
internal enum DeviceAccessKinds
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = Mknod | Read | Write,
}

/// <summary>
/// One DeviceAllow= entry as written: a device node path (/dev/…, resolved by stat at start) or a device group
/// ("char-pts", "block-loop", globbing allowed, resolved from /proc/devices at start), and its "rwm" access.
/// </summary>
internal sealed record DeviceAllowEntry(string Node, DeviceAccessKinds Access)
{
    /// <summary>"rwm" letters to kinds; null for any other letter (systemd's "Invalid device rights").</summary>
    public static DeviceAccessKinds? ParseAccess(string text)
    {
        if (text.Length == 0)
            return DeviceAccessKinds.All;
        var kinds = DeviceAccessKinds.None;
        foreach (char c in text)
        {
            switch (c)
            {
                case 'r': kinds |= DeviceAccessKinds.Read; break;
                case 'w': kinds |= DeviceAccessKinds.Write; break;
                case 'm': kinds |= DeviceAccessKinds.Mknod; break;
                default: return null;
            }
        }
        return kinds;
    }

    /// <summary>"rwm", "rw", "r": the access as systemd shows it.</summary>
    public static string Letters(DeviceAccessKinds access) =>
        ((access & DeviceAccessKinds.Read) != 0 ? "r" : "") + ((access & DeviceAccessKinds.Write) != 0 ? "w" : "")
        + ((access & DeviceAccessKinds.Mknod) != 0 ? "m" : "");

    public override string ToString() => $"{Node} {Letters(Access)}";
}
