using System.Globalization;

namespace Summon.Units.Security;

/// <summary>One row of the table: the mark (✓, ✗ or blank), name, description, and the exposure it adds ("" for none).</summary>
internal sealed record ExposureRow(string Mark, string Name, string Description, string Exposure, ExposureCheck Check, ulong? Badness);

/// <summary>
/// `systemd-analyze security UNIT` as systemd 252 computes it: each check's badness (0..range, or not applicable),
/// the overall exposure <c>⌈Σ⌈badness·weight/range⌉·100 / Σweight⌉</c> in tenths, its level and smiley, the rows in
/// systemd's order (description descending, then name).
/// </summary>
internal sealed class ExposureAssessment
{
    private static readonly (int Exposure, string Name, string Smiley)[] Levels =
    [
        (100, "DANGEROUS", "\U0001F922"), (90, "UNSAFE", "\U0001F628"), (75, "EXPOSED", "\U0001F641"), (50, "MEDIUM", "\U0001F610"),
        (10, "OK", "\U0001F642"), (1, "SAFE", "\U0001F600"), (0, "PERFECT", "\U0001F929"),
    ];

    private static readonly Dictionary<string, ulong> CapabilityChecks = new(StringComparer.Ordinal)
    {
        ["CapabilityBoundingSet=~CAP_SYS_ADMIN"] = Bits(21),
        ["CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)"] = Bits(7, 6, 8),
        ["CapabilityBoundingSet=~CAP_SYS_PTRACE"] = Bits(19),
        ["CapabilityBoundingSet=~CAP_SYS_TIME"] = Bits(25),
        ["CapabilityBoundingSet=~CAP_NET_ADMIN"] = Bits(12),
        ["CapabilityBoundingSet=~CAP_SYS_RAWIO"] = Bits(17),
        ["CapabilityBoundingSet=~CAP_SYS_MODULE"] = Bits(16),
        ["CapabilityBoundingSet=~CAP_AUDIT_*"] = Bits(30, 37, 29),
        ["CapabilityBoundingSet=~CAP_SYSLOG"] = Bits(34),
        ["CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)"] = Bits(23, 24),
        ["CapabilityBoundingSet=~CAP_MKNOD"] = Bits(27),
        ["CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)"] = Bits(0, 4, 31),
        ["CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)"] = Bits(1, 2, 3, 15),
        ["CapabilityBoundingSet=~CAP_KILL"] = Bits(5),
        ["CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)"] = Bits(10, 11, 13),
        ["CapabilityBoundingSet=~CAP_SYS_BOOT"] = Bits(22),
        ["CapabilityBoundingSet=~CAP_MAC_*"] = Bits(33, 32),
        ["CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE"] = Bits(9),
        ["CapabilityBoundingSet=~CAP_IPC_LOCK"] = Bits(14),
        ["CapabilityBoundingSet=~CAP_SYS_CHROOT"] = Bits(18),
        ["CapabilityBoundingSet=~CAP_BLOCK_SUSPEND"] = Bits(36),
        ["CapabilityBoundingSet=~CAP_WAKE_ALARM"] = Bits(35),
        ["CapabilityBoundingSet=~CAP_LEASE"] = Bits(28),
        ["CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG"] = Bits(26),
        ["CapabilityBoundingSet=~CAP_SYS_PACCT"] = Bits(20),
        ["CapabilityBoundingSet=~CAP_BPF"] = Bits(39),
    };

    private static readonly Dictionary<string, string> FamilyChecks = new(StringComparer.Ordinal)
    {
        ["RestrictAddressFamilies=~AF_(INET|INET6)"] = "inet",
        ["RestrictAddressFamilies=~AF_UNIX"] = "unix",
        ["RestrictAddressFamilies=~AF_NETLINK"] = "netlink",
        ["RestrictAddressFamilies=~AF_PACKET"] = "packet",
        ["RestrictAddressFamilies=~…"] = "other",
    };

    private static readonly string[] DefaultDependenciesOnly = ["PrivateTmp=", "ProtectHome=", "ProtectSystem=", "RootDirectory=/RootImage="];

    private ExposureAssessment(string unit, IReadOnlyList<ExposureRow> rows, ulong exposure)
    {
        Unit = unit;
        Rows = rows;
        Exposure = exposure;
    }

    public string Unit { get; }

    public IReadOnlyList<ExposureRow> Rows { get; }

    /// <summary>The overall exposure in tenths (96 is "9.6").</summary>
    public ulong Exposure { get; }

    public string ExposureText => FormatTenths(Exposure);

    public string Level => LevelOf(Exposure).Name;

    /// <summary>The level's emoji, or systemd's ASCII face where it shows no emoji (TERM unset or "dumb").</summary>
    public string Smiley => Environment.GetEnvironmentVariable("TERM") is null or "dumb" ? AsciiFaces[LevelOf(Exposure).Name] : LevelOf(Exposure).Smiley;

    private static readonly Dictionary<string, string> AsciiFaces = new(StringComparer.Ordinal)
    {
        ["DANGEROUS"] = ":-[", ["UNSAFE"] = ":-{", ["EXPOSED"] = ":-(", ["MEDIUM"] = ":-|", ["OK"] = ":-)", ["SAFE"] = ":-}", ["PERFECT"] = ":-D",
    };

    /// <summary>"→ Overall exposure level for X: 9.6 UNSAFE 😨".</summary>
    public string Summary => $"→ Overall exposure level for {Unit}: {ExposureText} {Level} {Smiley}";

    public static ExposureAssessment Assess(string unit, SecuritySettings s)
    {
        ulong badnessSum = 0, weightSum = 0;
        var assessed = new List<(ExposureCheck Check, ulong? Badness, string? Description)>();
        foreach (var check in ExposureChecks.All)
        {
            (ulong? badness, string? description) = !s.DefaultDependencies && DefaultDependenciesOnly.Contains(check.Name)
                ? (null, "Service runs in special boot phase, option is not appropriate")
                : Badness(check, s);
            if (badness is { } b)
            {
                badnessSum += DivRoundUp(b * (ulong)check.Weight, (ulong)check.Range);
                weightSum += (ulong)check.Weight;
            }
            assessed.Add((check, badness, description));
        }

        var rows = new List<ExposureRow>();
        foreach (var (check, badness, description) in assessed)
        {
            string mark = badness is null ? " " : badness == 0 ? "✓" : "✗";
            string text = description ?? (badness == 0 ? check.Good : badness == (ulong)check.Range ? check.Bad : "");
            string exposure = badness is { } b and > 0
                ? FormatTenths(DivRoundUp(DivRoundUp(b * (ulong)check.Weight * 100, (ulong)check.Range), weightSum))
                : "";
            rows.Add(new ExposureRow(mark, check.Name, text, exposure, check, badness));
        }
        rows.Sort((a, b) =>
        {
            int byDescription = string.CompareOrdinal(SortKey(b.Description), SortKey(a.Description));
            return byDescription != 0 ? byDescription : string.CompareOrdinal(a.Name, b.Name);
        });
        return new ExposureAssessment(unit, rows, DivRoundUp(badnessSum * 100, weightSum));
    }

    private static (ulong? Badness, string? Description) Badness(ExposureCheck check, SecuritySettings s)
    {
        if (CapabilityChecks.TryGetValue(check.Name, out ulong bits))
            return ((s.CapabilityBoundingSet & bits) != 0 ? 1UL : 0UL, null);
        if (FamilyChecks.TryGetValue(check.Name, out string? family))
            return (s.RestrictedFamilies.Contains(family) ? 0UL : 1UL, null);
        if (check.Name.StartsWith("RestrictNamespaces=~", StringComparison.Ordinal))
            return (s.AllowedNamespaces.Contains(check.Name["RestrictNamespaces=~".Length..]) ? 1UL : 0UL, null);
        if (check.Name.StartsWith("SystemCallFilter=~", StringComparison.Ordinal))
            return SystemCallFilter(check.Name["SystemCallFilter=~".Length..], s);
        return check.Name switch
        {
            "User=/DynamicUser=" => User(s),
            "SupplementaryGroups=" => RunsPrivileged(s) ? (null, "Service runs as root, option does not matter") : (s.SupplementaryGroups.Count > 0 ? 1UL : 0UL, null),
            "RemoveIPC=" => RunsPrivileged(s) ? (null, "Service runs as root, option does not apply") : (s.Flag("RemoveIPC") ? 0UL : 1UL, null),
            "AmbientCapabilities=" => (s.AmbientCapabilities != 0 ? 1UL : 0UL, null),
            "KeyringMode=" => (s.KeyringMode == "private" ? 0UL : 1UL, null),
            "ProtectProc=" => (s.ProtectProc switch { "noaccess" => 1UL, "invisible" or "ptraceable" => 0UL, _ => 3UL }, null),
            "ProcSubset=" => (s.ProcSubset == "pid" ? 0UL : 1UL, null),
            "NotifyAccess=" => (s.NotifyAccess == "all" ? 1UL : 0UL, null),
            "Delegate=" => (s.Flag("Delegate") ? 1UL : 0UL, null),
            "RootDirectory=/RootImage=" => (IsEmptyOrRoot(s.RootDirectory) && IsEmptyOrRoot(s.RootImage) ? 1UL : 0UL, null),
            "ProtectHome=" => s.ProtectHome switch
            {
                "yes" => (0UL, "Service has no access to home directories"),
                "read-only" => (5UL, "Service has read-only access to home directories"),
                "tmpfs" => (1UL, "Service has access to fake empty home directories"),
                _ => (10UL, "Service has full access to home directories"),
            },
            "ProtectSystem=" => s.ProtectSystem switch
            {
                "strict" => (0UL, "Service has strict read-only access to the OS file hierarchy"),
                "full" => (3UL, "Service has very limited write access to the OS file hierarchy"),
                "yes" => (5UL, "Service has limited write access to the OS file hierarchy"),
                _ => (10UL, "Service has full access to the OS file hierarchy"),
            },
            "UMask=" => UMask(s.UMask),
            "SystemCallArchitectures=" => s.SystemCallArchitectures.Count == 0 ? (10UL, "Service may execute system calls with all ABIs")
                : s.SystemCallArchitectures.Contains("native") && s.SystemCallArchitectures.Count == 1 ? (0UL, "Service may execute system calls only with native ABI")
                : (8UL, "Service may execute system calls with multiple ABIs"),
            "IPAddressDeny=" => !s.IpDenyAll ? (10UL, "Service does not define an IP address allow list")
                : s.IpAllowOther ? (5UL, "Service defines IP address allow list with non-localhost entries")
                : s.IpAllowLocalhost ? (2UL, "Service defines IP address allow list with only localhost entries")
                : (0UL, "Service blocks all IP address ranges"),
            "DeviceAllow=" => s.DevicePolicy is "strict" or "closed"
                ? s.DeviceAllow.Count > 0 ? (5UL, "Service has a device ACL with some special devices: " + string.Join(' ', s.DeviceAllow)) : (0UL, "Service has a minimal device ACL")
                : (10UL, "Service has no device ACL"),
            _ => (s.Flag(check.Name.TrimEnd('=')) ? 0UL : 1UL, null),
        };
    }

    private static (ulong?, string?) User(SecuritySettings s)
    {
        if (s.User == "nobody")
            return (9, "Service runs under as 'nobody' user, which should not be used for services");
        if (s.DynamicUser && s.User is not ("0" or "root"))
            return (0, "Service runs under a transient non-root user identity");
        if (s.User is { Length: > 0 } and not ("0" or "root"))
            return (0, "Service runs under a static non-root user identity");
        return (10, null);
    }

    private static bool RunsPrivileged(SecuritySettings s) =>
        s.User is "0" or "root" || (!s.DynamicUser && string.IsNullOrEmpty(s.User));

    private static (ulong?, string?) UMask(int mask) =>
        (mask & 0x2) == 0 ? (10UL, "Files created by service are world-writable by default")
        : (mask & 0x4) == 0 ? (5UL, "Files created by service are world-readable by default")
        : (mask & 0x10) == 0 ? (2UL, "Files created by service are group-writable by default")
        : (mask & 0x20) == 0 ? (1UL, "Files created by service are group-readable by default")
        : (0UL, "Files created by service are accessible only by service's own user by default");

    private static (ulong?, string?) SystemCallFilter(string group, SecuritySettings s)
    {
        if (!s.SystemCallAllowList && s.SystemCallFilter.Count == 0)
            return (10, "Service does not filter system calls");
        string? offender = ExposureSyscallGroups.Expand(group).FirstOrDefault(call => s.SystemCallFilter.Contains(call) == s.SystemCallAllowList);
        return (s.SystemCallAllowList, offender) switch
        {
            (true, { } call) => (9, $"System call allow list defined for service, and {group} is included (e.g. {call} is allowed)"),
            (true, null) => (0, $"System call allow list defined for service, and {group} is not included"),
            (false, { } call) => (10, $"System call deny list defined for service, and {group} is not included (e.g. {call} is allowed)"),
            (false, null) => (0, $"System call deny list defined for service, and {group} is included"),
        };
    }

    // systemd 252 lists the one row without a description (ProtectProc=noaccess) after the "Service …"/"System …"
    // rows and before the "Files …" row.
    private static string SortKey(string description) => description.Length == 0 ? "G" : description;

    private static bool IsEmptyOrRoot(string? path) => string.IsNullOrEmpty(path) || path.Trim('/').Length == 0;

    private static ulong DivRoundUp(ulong x, ulong y) => (x + y - 1) / y;

    private static string FormatTenths(ulong tenths) =>
        (tenths / 10).ToString(CultureInfo.InvariantCulture) + "." + (tenths % 10).ToString(CultureInfo.InvariantCulture);

    private static (int Exposure, string Name, string Smiley) LevelOf(ulong exposure) =>
        Levels.First(l => exposure >= (ulong)l.Exposure);

    private static ulong Bits(params int[] bits) => bits.Aggregate(0UL, (sum, bit) => sum | (1UL << bit));
}
