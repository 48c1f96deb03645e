using System.Globalization;

namespace Summon.Manager.Sandbox;

/// <summary>
/// What this environment lets the manager's children do, found once at start-up: the facts the sandbox's plans are
/// reduced by under <see cref="SandboxMode.BestEffort"/>, and that `analyze security` scores against.
/// </summary>
internal sealed record SandboxEnvironment
{
    private const int CapSysAdminBit = 21;

    /// <summary>unshare(CLONE_NEWNS) and mounts in it work (CAP_SYS_ADMIN, or inside a user namespace of our own).</summary>
    public bool MountNamespaces { get; init; }

    /// <summary>unshare(CLONE_NEWUSER) works (root, or unprivileged user namespaces allowed).</summary>
    public bool UserNamespaces { get; init; }

    /// <summary>unshare of the network, IPC and UTS namespaces works.</summary>
    public bool OtherNamespaces { get; init; }

    /// <summary>seccomp filters can be installed (SECCOMP_MODE_FILTER).</summary>
    public bool Seccomp { get; init; }

    /// <summary>The manager holds CAP_SYS_ADMIN (and the other capabilities it may drop or keep) in its effective set.</summary>
    public bool CapSysAdmin { get; init; }

    /// <summary>Everything possible: what tests and a root manager on a full kernel see.</summary>
    public static SandboxEnvironment Full { get; } = new()
    {
        MountNamespaces = true, UserNamespaces = true, OtherNamespaces = true, Seccomp = true, CapSysAdmin = true,
    };

    /// <summary>
    /// Reads this process's environment from /proc (a few small files, no child, no system call that changes
    /// anything): run once before the loop starts.
    /// </summary>
    public static SandboxEnvironment Detect(bool userMode) => From(
        Read("/proc/self/status") ?? "",
        Read("/proc/sys/user/max_user_namespaces"),
        Read("/proc/sys/kernel/unprivileged_userns_clone"),
        File.Exists("/proc/sys/kernel/seccomp/actions_avail"),
        userMode);

    /// <summary>
    /// The facts from the texts of /proc/self/status, /proc/sys/user/max_user_namespaces and (Debian's)
    /// /proc/sys/kernel/unprivileged_userns_clone (null when absent), and whether the kernel lists seccomp actions.
    /// </summary>
    internal static SandboxEnvironment From(string status, string? maxUserNamespaces, string? unprivilegedClone, bool seccompFilters, bool userMode)
    {
        ulong effective = HexField(status, "CapEff") ?? 0;
        bool admin = (effective & (1UL << CapSysAdminBit)) != 0;
        bool namespacesAllowed = maxUserNamespaces is null || Number(maxUserNamespaces) is not 0;
        // Debian's switch only restricts callers without CAP_SYS_ADMIN.
        bool users = namespacesAllowed && (admin || Number(unprivilegedClone) is null or not 0);
        // A user manager gets mount, network, IPC and UTS namespaces inside a user namespace of its own (PrivateUsers=
        // implied, as systemd's user manager does); a system manager needs CAP_SYS_ADMIN itself.
        bool others = admin || (userMode && users);
        return new SandboxEnvironment
        {
            CapSysAdmin = admin,
            UserNamespaces = users,
            MountNamespaces = others,
            OtherNamespaces = others,
            Seccomp = seccompFilters && status.Contains("\nSeccomp:", StringComparison.Ordinal),
        };
    }

    /// <summary>"mount namespaces: yes, user namespaces: no, …" for the manager's start-up log line.</summary>
    public string Describe() =>
        $"CAP_SYS_ADMIN: {YesNo(CapSysAdmin)}, mount namespaces: {YesNo(MountNamespaces)}, user namespaces: {YesNo(UserNamespaces)}, " +
        $"network/IPC/UTS namespaces: {YesNo(OtherNamespaces)}, seccomp filters: {YesNo(Seccomp)}";

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static ulong? HexField(string status, string field)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(field.Length + 1).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong value))
                return value;
        }
        return null;
    }

    private static long? Number(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
