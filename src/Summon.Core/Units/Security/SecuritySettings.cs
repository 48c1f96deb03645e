namespace Summon.Units.Security;

/// <summary>
/// What the exposure checks read of a service, from its assignments in file order ([Unit] and [Service] of the
/// fragment and its drop-ins), with systemd's list semantics (an empty assignment resets, a <c>~</c> list inverts) and
/// DynamicUser='s implications. Keys the caller says are not applied are never passed in: they count as not set.
/// </summary>
internal sealed class SecuritySettings
{
    private const ulong AllCapabilities = (1UL << 41) - 1;

    public string? User { get; private set; }
    public bool DynamicUser { get; private set; }
    public List<string> SupplementaryGroups { get; } = [];
    public ulong AmbientCapabilities { get; private set; }
    public ulong CapabilityBoundingSet { get; private set; } = AllCapabilities;
    public string KeyringMode { get; private set; } = "private";
    public string ProtectProc { get; private set; } = "default";
    public string ProcSubset { get; private set; } = "all";
    public string NotifyAccess { get; private set; } = "none";
    public string ProtectHome { get; private set; } = "no";
    public string ProtectSystem { get; private set; } = "no";
    public string? RootDirectory { get; private set; }
    public string? RootImage { get; private set; }
    public bool DefaultDependencies { get; private set; } = true;
    public string DevicePolicy { get; private set; } = "auto";
    /// <summary>DeviceAllow= as "PATH:PERMS", the latest first (systemd prepends each entry).</summary>
    public List<string> DeviceAllow { get; } = [];
    public HashSet<string> SystemCallArchitectures { get; } = new(StringComparer.Ordinal);
    public bool SystemCallAllowList { get; private set; }
    public HashSet<string> SystemCallFilter { get; } = new(StringComparer.Ordinal);
    public bool SystemCallFilterSet { get; private set; }
    public int UMask { get; private set; } = 0x12;   // 0022
    public bool IpDenyAll { get; private set; }
    public bool IpAllowLocalhost { get; private set; }
    public bool IpAllowOther { get; private set; }

    /// <summary>Namespace kinds the service may create (RestrictNamespaces=): all unless restricted.</summary>
    public HashSet<string> AllowedNamespaces { get; } = new(NamespaceKinds, StringComparer.Ordinal);

    /// <summary>Address-family classes that are restricted: inet, unix, netlink, packet, other.</summary>
    public HashSet<string> RestrictedFamilies { get; } = new(StringComparer.Ordinal);

    private readonly Dictionary<string, bool> _booleans = new(StringComparer.Ordinal);
    private bool? _familiesAllowList;
    private bool _capabilitiesInitialized;
    private bool _namespacesInitialized;

    public static readonly string[] NamespaceKinds = ["cgroup", "ipc", "net", "mnt", "pid", "user", "uts"];

    public bool Flag(string key) => _booleans.GetValueOrDefault(key);

    public static SecuritySettings From(IEnumerable<(string Section, string Key, string Value)> assignments)
    {
        var settings = new SecuritySettings();
        foreach (var (section, key, value) in assignments)
        {
            if (section == "Unit" && key == "DefaultDependencies")
                settings.DefaultDependencies = ValueParsers.TryParseBoolean(value, out bool yes) ? yes : settings.DefaultDependencies;
            else if (section == "Service")
                settings.Apply(key, value.Trim());
        }
        settings.ApplyImplications();
        return settings;
    }

    private void Apply(string key, string value)
    {
        switch (key)
        {
            case "User": User = value.Length == 0 ? null : value; break;
            case "DynamicUser": SetBool(key, value); DynamicUser = Flag(key); break;
            case "SupplementaryGroups":
                if (value.Length == 0) SupplementaryGroups.Clear();
                else SupplementaryGroups.AddRange(Words(value));
                break;
            case "AmbientCapabilities":
                AmbientCapabilities = value.Length == 0 ? 0 : AmbientCapabilities | ParseCapabilities(value.TrimStart('~'));
                break;
            case "CapabilityBoundingSet": ApplyCapabilities(value); break;
            case "KeyringMode": KeyringMode = value; break;
            case "ProtectProc": ProtectProc = value; break;
            case "ProcSubset": ProcSubset = value; break;
            case "NotifyAccess": NotifyAccess = value; break;
            case "ProtectHome": ProtectHome = BooleanWord(value, "read-only", "tmpfs"); break;
            case "ProtectSystem": ProtectSystem = BooleanWord(value, "full", "strict"); break;
            case "RootDirectory": RootDirectory = value.Length == 0 ? null : value; break;
            case "RootImage": RootImage = value.Length == 0 ? null : value; break;
            case "DevicePolicy": DevicePolicy = value.Length == 0 ? "auto" : value; break;
            case "DeviceAllow":
                if (value.Length == 0)
                    DeviceAllow.Clear();
                else if (Words(value).ToArray() is [var path, ..] words)
                    DeviceAllow.Insert(0, $"{path}:{(words.Length > 1 ? words[1] : "rwm")}");
                break;
            case "SystemCallArchitectures":
                if (value.Length == 0) SystemCallArchitectures.Clear();
                else SystemCallArchitectures.UnionWith(Words(value));
                break;
            case "SystemCallFilter": ApplySystemCallFilter(value); break;
            case "UMask":
                if (value.Length > 0 && TryOctal(value, out int mask))
                {
                    UMask = mask;
                }
                break;
            case "IPAddressDeny":
                if (value.Length == 0) IpDenyAll = false;
                else if (Words(value).Any(w => w is "any" or "0.0.0.0/0" or "::/0")) IpDenyAll = true;
                break;
            case "IPAddressAllow":
                if (value.Length == 0) { IpAllowLocalhost = false; IpAllowOther = false; break; }
                foreach (string word in Words(value))
                {
                    if (word is "localhost" or "127.0.0.0/8" or "::1/128" or "::1") IpAllowLocalhost = true;
                    else IpAllowOther = true;
                }
                break;
            case "RestrictNamespaces": ApplyNamespaces(value); break;
            case "RestrictAddressFamilies": ApplyFamilies(value); break;
            case "LockPersonality" or "MemoryDenyWriteExecute" or "NoNewPrivileges" or "ProtectHostname" or "PrivateDevices"
                or "PrivateMounts" or "PrivateNetwork" or "PrivateTmp" or "PrivateUsers" or "ProtectControlGroups"
                or "ProtectKernelModules" or "ProtectKernelTunables" or "ProtectKernelLogs" or "ProtectClock" or "RemoveIPC"
                or "RestrictRealtime" or "RestrictSUIDSGID" or "Delegate":
                SetBool(key, value);
                break;
        }
    }

    private void ApplyImplications()
    {
        if (DynamicUser)
        {
            // systemd.exec(5), DynamicUser=: implies ProtectSystem=strict, ProtectHome=read-only, PrivateTmp=,
            // RemoveIPC=, NoNewPrivileges=, RestrictSUIDSGID=.
            if (ProtectSystem == "no") ProtectSystem = "strict";
            if (ProtectHome == "no") ProtectHome = "read-only";
            foreach (string key in (string[])["PrivateTmp", "RemoveIPC", "NoNewPrivileges", "RestrictSUIDSGID"])
                _booleans[key] = true;
        }
        // The capabilities the Protect*=/PrivateDevices= keys take out of the bounding set (systemd.exec(5)).
        if (Flag("PrivateDevices")) CapabilityBoundingSet &= ~((1UL << 27) | (1UL << 17));   // CAP_MKNOD, CAP_SYS_RAWIO
        if (Flag("ProtectClock")) CapabilityBoundingSet &= ~((1UL << 25) | (1UL << 35));     // CAP_SYS_TIME, CAP_WAKE_ALARM
        if (Flag("ProtectKernelModules")) CapabilityBoundingSet &= ~(1UL << 16);            // CAP_SYS_MODULE
        if (Flag("ProtectKernelLogs")) CapabilityBoundingSet &= ~(1UL << 34);               // CAP_SYSLOG
        if (Flag("PrivateDevices") && DevicePolicy == "auto")
            DevicePolicy = "closed";   // PrivateDevices= closes the device policy
        if (Flag("ProtectClock"))
            DeviceAllow.Insert(0, "char-rtc:r");   // ProtectClock= allows reading the RTC in the device list
    }

    private void SetBool(string key, string value)
    {
        if (value.Length == 0) _booleans.Remove(key);
        else if (ValueParsers.TryParseBoolean(value, out bool yes)) _booleans[key] = yes;
    }

    private void ApplyCapabilities(string value)
    {
        if (value.Length == 0)
        {
            CapabilityBoundingSet = 0;
            _capabilitiesInitialized = true;
            return;
        }
        bool invert = value.StartsWith('~');
        ulong sum = ParseCapabilities(invert ? value[1..] : value);
        if (invert) sum = ~sum & AllCapabilities;
        CapabilityBoundingSet = !_capabilitiesInitialized ? sum : invert ? CapabilityBoundingSet & sum : CapabilityBoundingSet | sum;
        _capabilitiesInitialized = true;
    }

    private void ApplyNamespaces(string value)
    {
        if (value.Length == 0 || (ValueParsers.TryParseBoolean(value, out bool none) && !none))
        {
            AllowedNamespaces.UnionWith(NamespaceKinds);
            _namespacesInitialized = value.Length != 0;
            return;
        }
        if (ValueParsers.TryParseBoolean(value, out bool all) && all)
        {
            AllowedNamespaces.Clear();
            _namespacesInitialized = true;
            return;
        }
        bool invert = value.StartsWith('~');
        var listed = Words(invert ? value[1..] : value).Where(w => NamespaceKinds.Contains(w)).ToHashSet(StringComparer.Ordinal);
        var flags = invert ? NamespaceKinds.Except(listed).ToHashSet(StringComparer.Ordinal) : listed;
        if (!_namespacesInitialized)
        {
            AllowedNamespaces.Clear();
            AllowedNamespaces.UnionWith(flags);
        }
        else if (invert)
            AllowedNamespaces.IntersectWith(flags);
        else
            AllowedNamespaces.UnionWith(flags);
        _namespacesInitialized = true;
    }

    private void ApplyFamilies(string value)
    {
        if (value.Length == 0)
        {
            _familiesAllowList = null;
            RestrictedFamilies.Clear();
            return;
        }
        if (value == "none")
        {
            _familiesAllowList = true;
            RestrictedFamilies.UnionWith(["inet", "unix", "netlink", "packet", "other"]);
            return;
        }
        bool invert = value.StartsWith('~');
        var classes = Words(invert ? value[1..] : value).Select(FamilyClass).ToHashSet(StringComparer.Ordinal);
        if (_familiesAllowList is null)
        {
            _familiesAllowList = !invert;
            RestrictedFamilies.Clear();
            if (!invert)
                RestrictedFamilies.UnionWith(["inet", "unix", "netlink", "packet", "other"]);
        }
        // An allow list allows what it lists; a deny list restricts it; the opposite prefix undoes the earlier lines.
        bool restrict = invert;
        foreach (string family in classes)
        {
            if (restrict) RestrictedFamilies.Add(family);
            else RestrictedFamilies.Remove(family);
        }
    }

    private static string FamilyClass(string name) => name switch
    {
        "AF_INET" or "AF_INET6" => "inet",
        "AF_UNIX" => "unix",
        "AF_NETLINK" => "netlink",
        "AF_PACKET" => "packet",
        _ => "other",
    };

    private void ApplySystemCallFilter(string value)
    {
        if (value.Length == 0)
        {
            SystemCallFilter.Clear();
            SystemCallAllowList = false;
            SystemCallFilterSet = false;
            return;
        }
        bool invert = value.StartsWith('~');
        var items = Words(invert ? value[1..] : value).Select(w => w.Split(':')[0]);
        if (!SystemCallFilterSet)
        {
            SystemCallFilterSet = true;
            SystemCallAllowList = !invert;
            if (!invert)
                SystemCallFilter.UnionWith(ExposureSyscallGroups.Expand("@default"));
        }
        // Same prefix as the list: add; the other prefix: take out again.
        bool add = invert != SystemCallAllowList;
        foreach (string item in items)
        {
            if (add) SystemCallFilter.UnionWith(ExposureSyscallGroups.Expand(item));
            else SystemCallFilter.ExceptWith(ExposureSyscallGroups.Expand(item));
        }
    }

    private static ulong ParseCapabilities(string value)
    {
        ulong sum = 0;
        foreach (string word in Words(value))
        {
            if (Conditions.CapabilityNames.FromName(word) is int bit)
                sum |= 1UL << bit;
        }
        return sum;
    }

    private static string BooleanWord(string value, string first, string second) =>
        value == first || value == second ? value
        : ValueParsers.TryParseBoolean(value, out bool yes) ? (yes ? "yes" : "no")
        : "no";

    private static IEnumerable<string> Words(string value) => value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static bool TryOctal(string text, out int value)
    {
        value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7') return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }
}
