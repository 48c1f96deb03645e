namespace Summon.Units;

/// <summary>How an assignment of an unapplied protective key asks for protection.</summary>
internal enum SandboxAsk
{
    /// <summary>A boolean: yes asks, no asks nothing.</summary>
    Boolean,

    /// <summary>A path, image or list entry: any non-empty value asks; empty resets.</summary>
    NonEmpty,

    /// <summary>A security label: a value asks unless its '-' prefix lets the start go on without it (systemd
    /// ignores the failure to apply such a label); empty resets.</summary>
    Label,

    /// <summary>An enumeration whose first listed value is systemd's default (asks nothing); any other listed value asks.</summary>
    NotDefault,
}

/// <summary>One protective key Summon does not apply: the status a refused start exits with, and why.</summary>
/// <param name="Key">The key, without '='.</param>
/// <param name="Status">systemd's exit status for the step that applies it (`systemd-analyze exit-status`).</param>
/// <param name="StatusName">The status's name as systemd prints it after the number.</param>
/// <param name="Ask">How a value asks for protection.</param>
/// <param name="Why">What Summon does not do that the key needs, for the load warning, the refusal and the downgrade line.</param>
/// <param name="CgroupWide">The protection holds for every process of the unit's control group, '+' commands too.</param>
/// <param name="Values">For <see cref="SandboxAsk.NotDefault"/>: the default first, then the values that ask.</param>
internal sealed record UnappliedSandboxKey(string Key, int Status, string StatusName, SandboxAsk Ask, string Why, bool CgroupWide = false,
    string[]? Values = null)
{
    /// <summary>"231/APPARMOR".</summary>
    public string StatusText => $"{Status}/{StatusName}";

    /// <summary>True when <paramref name="value"/> asks for the protection, false when it asks nothing (the default, an
    /// empty reset, a '-' label), null for a value systemd ignores with a warning (the earlier assignment stands).</summary>
    public bool? Asks(string value) => Ask switch
    {
        SandboxAsk.Boolean => ValueParsers.TryParseBoolean(value, out bool yes) ? yes : null,
        SandboxAsk.NonEmpty => value.Length > 0,
        SandboxAsk.Label => value.Length > 0 && value[0] != '-',
        _ => Array.IndexOf(Values!, value) is int i and >= 0 ? i > 0 : value.Length == 0 ? false : null,
    };
}

/// <summary>
/// The protective keys of systemd 252's systemd.exec(5) and systemd.resource-control(5) that Summon does not apply,
/// the one home of what a start that asks for one does: under <c>--sandbox=strict</c> it fails with the status systemd
/// gives the step that applies the key, under best-effort it starts and the downgrade line names the key. The rows run
/// in systemd's order of those steps (control group, user, network, mount namespace, security labels), so a unit
/// asking for several fails at the step systemd would reach first. A key another part comes to apply leaves this table
/// in the same change (<see cref="SupportedKeys"/> then honours it; a supported key is never refused here).
/// </summary>
internal static class UnappliedSandboxKeys
{
    private const string Bpf = "BPF";
    private const string BpfWhy = "no BPF program is attached to the control group";

    private static readonly UnappliedSandboxKey[] s_rows =
    [
        // BPF programs beyond the device and IP access lists (Manager/ControlGroups/CgroupAccess.cs applies those).
        // An allow list restricts nothing without IPAddressDeny=, SocketBindAllow= nothing without SocketBindDeny=.
        new("IPIngressFilterPath", 244, Bpf, SandboxAsk.NonEmpty, BpfWhy, CgroupWide: true),
        new("IPEgressFilterPath", 244, Bpf, SandboxAsk.NonEmpty, BpfWhy, CgroupWide: true),
        new("SocketBindDeny", 244, Bpf, SandboxAsk.NonEmpty, BpfWhy, CgroupWide: true),
        new("RestrictNetworkInterfaces", 244, Bpf, SandboxAsk.NonEmpty, BpfWhy, CgroupWide: true),
        new("BPFProgram", 244, Bpf, SandboxAsk.NonEmpty, BpfWhy, CgroupWide: true),
        new("RestrictFileSystems", 244, Bpf, SandboxAsk.NonEmpty, "no BPF LSM program is loaded", CgroupWide: true),
        new("NetworkNamespacePath", 225, "NETWORK", SandboxAsk.NonEmpty, "named network namespaces are not joined"),
        new("IPCNamespacePath", 226, "NAMESPACE", SandboxAsk.NonEmpty, "named IPC namespaces are not joined"),
        new("RootImage", 226, "NAMESPACE", SandboxAsk.NonEmpty, "disk images are not attached; unpack the image and name its directory with RootDirectory="),
        new("MountImages", 226, "NAMESPACE", SandboxAsk.NonEmpty, "disk images are not mounted"),
        new("ExtensionImages", 226, "NAMESPACE", SandboxAsk.NonEmpty, "extension images are not mounted"),
        new("ExtensionDirectories", 226, "NAMESPACE", SandboxAsk.NonEmpty, "extension directories are not overlaid"),
        new("SmackProcessLabel", 236, "SMACK_PROCESS_LABEL", SandboxAsk.Label, "SMACK labels are not set"),
        new("SELinuxContext", 229, "SELINUX_CONTEXT", SandboxAsk.Label, "SELinux contexts are not changed"),
        new("AppArmorProfile", 231, "APPARMOR", SandboxAsk.Label, "AppArmor profiles are not changed"),
    ];

    private static readonly Dictionary<string, (UnappliedSandboxKey Row, int Order)> s_byKey =
        s_rows.Select((row, i) => (row, i)).ToDictionary(r => r.row.Key, r => (r.row, r.i), StringComparer.Ordinal);

    /// <summary>
    /// Keys a service applies and a socket's commands cannot get: the device lists act on the unit's control group, in
    /// which a socket's commands do not run, and a dynamic user is realized by a service's start. In systemd's order:
    /// the control group first, the user before the namespaces.
    /// </summary>
    private static readonly Dictionary<string, (UnappliedSandboxKey Row, int Order)> s_socketByKey = new(StringComparer.Ordinal)
    {
        ["DeviceAllow"] = (new("DeviceAllow", 219, "CGROUP", SandboxAsk.NonEmpty, "a socket's commands run in no control group of their own", CgroupWide: true), -2),
        ["DevicePolicy"] = (new("DevicePolicy", 219, "CGROUP", SandboxAsk.NotDefault, "a socket's commands run in no control group of their own",
            CgroupWide: true, Values: ["auto", "closed", "strict"]), -1),
        ["DynamicUser"] = (new("DynamicUser", 217, "USER", SandboxAsk.Boolean, "a socket's commands get no dynamic user"), 5),
        ["RemoveIPC"] = (new("RemoveIPC", 217, "USER", SandboxAsk.Boolean, "a socket's commands get no dynamic user"), 5),
    };

    /// <summary>Every row, in systemd's step order.</summary>
    public static IReadOnlyList<UnappliedSandboxKey> All => s_rows;

    /// <summary>The row of <paramref name="key"/>, or null for a key that is not a protective key Summon leaves unapplied.</summary>
    public static UnappliedSandboxKey? Find(string key) => s_byKey.TryGetValue(key, out var r) ? r.Row : null;

    /// <summary>The row of <paramref name="key"/> in <paramref name="section"/>: a [Socket] also leaves
    /// <see cref="SocketOnly"/>'s keys unapplied.</summary>
    public static UnappliedSandboxKey? Find(string key, string section) =>
        Find(key) ?? (section == "Socket" && s_socketByKey.TryGetValue(key, out var r) ? r.Row : null);

    /// <summary>A key a service applies and a socket's commands cannot get.</summary>
    public static bool SocketOnly(string key) => s_socketByKey.ContainsKey(key);

    /// <summary>The row's place in systemd's step order (a unit asking for two fails at the first).</summary>
    public static int Order(UnappliedSandboxKey row) =>
        s_byKey.TryGetValue(row.Key, out var r) && r.Row == row ? r.Order : s_socketByKey[row.Key].Order;

    /// <summary>The load-time warning: what a start of this unit will do ("Summon does not support", as every line of
    /// a key Summon leaves unapplied begins).</summary>
    public static string LoadWarning(UnappliedSandboxKey row) =>
        $"Summon does not support {row.Key}= ({row.Why}): every start of this unit fails with {row.StatusText} unless --sandbox=best-effort or [{SummonSection.Name}] SandboxFallback=best-effort.";
}
