using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Posix;

namespace Summon.Units.Conditions;

/// <summary>The kinds that test the host, the kernel and the manager's own identity.</summary>
internal sealed partial class ConditionEvaluator
{
    private int Architecture(string p)
    {
        string wanted = p == "native" ? SpecifierContext.ArchitectureName(RuntimeInformation.ProcessArchitecture) : p;
        return B(SpecifierContext.ArchitectureName(_facts.Architecture) == wanted);
    }

    private int Firmware(string p)
    {
        if (p == "device-tree")
            return B(_facts.Exists("/sys/firmware/devicetree/"));
        if (p.StartsWith("device-tree-compatible(", StringComparison.Ordinal))
        {
            string arg = p["device-tree-compatible(".Length..];
            int end = arg.LastIndexOf(')');
            if (end < 0 || end != arg.Length - 1)
                return 0;
            string? compatible = _facts.ReadFile("/proc/device-tree/compatible");
            return B(compatible is not null && compatible.Split('\0').Contains(arg[..end]));
        }
        if (p == "uefi")
            return B(Conditions.Virtualization.DetectContainer(_facts) is null && _facts.Exists("/sys/firmware/efi/"));
        return 0;
    }

    /// <summary>systemd-detect-virt's answer: a container first, else a VM; yes/no, "vm", "container", "private-users" or the id.</summary>
    private int Virtualization(string p)
    {
        if (p == "private-users")
            return B(Conditions.Virtualization.InUserNamespace(_facts));
        var (id, isContainer) = Conditions.Virtualization.Detect(_facts);
        bool any = id is not null;
        if (ValueParsers.TryParseBoolean(p, out bool b))
            return B(any == b);
        if (any && p == "vm" && !isContainer)
            return 1;
        if (any && p == "container" && isContainer)
            return 1;
        return B(any && p == id);
    }

    private int Host(string p)
    {
        if (TryParseId128(p) is { } id)
        {
            if (_facts.ReadFile("/etc/machine-id")?.Trim() is not { Length: 32 } machine)
                return -Errno.ENOENT;
            return B(string.Equals(machine, id, StringComparison.OrdinalIgnoreCase));
        }
        return B(FnMatch(p, HostName(), caseFold: true));
    }

    private string HostName() => _facts.ReadFile("/proc/sys/kernel/hostname")?.Trim() is { Length: > 0 } h and not "(none)" ? h : "localhost";

    /// <summary>sd_id128_from_string(): 32 hex digits, or a UUID with its four dashes; the 32 digits, or null.</summary>
    private static string? TryParseId128(string s)
    {
        string hex = s.Length == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' ? s.Replace("-", "", StringComparison.Ordinal) : s;
        return hex.Length == 32 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    /// <summary>proc_cmdline(): $SYSTEMD_PROC_CMDLINE, PID 1's command line in a container, else /proc/cmdline.</summary>
    private string ProcCmdline()
    {
        if (EnvironmentValue("SYSTEMD_PROC_CMDLINE") is { } forced)
            return forced;
        if (Conditions.Virtualization.DetectContainer(_facts) is not null)
            return (_facts.ReadFile("/proc/1/cmdline") ?? "").TrimEnd('\0').Replace('\0', ' ');
        return (_facts.ReadFile("/proc/cmdline") ?? "").Trim();
    }

    private List<string> CmdlineWords()
    {
        var words = new List<string>();
        var extractor = new WordExtractor(ProcCmdline());
        while (extractor.Next(ExtractFlags.Unquote | ExtractFlags.Relax, out string word) > 0)
            words.Add(word);
        return words;
    }

    private int KernelCommandLine(string p)
    {
        bool equal = p.Contains('=');
        foreach (string word in CmdlineWords())
        {
            if (equal ? word == p : word.StartsWith(p, StringComparison.Ordinal) && (word.Length == p.Length || word[p.Length] == '='))
                return 1;
        }
        return 0;
    }

    /// <summary>proc_cmdline_get_bool(): the key alone is true, "key=value" a boolean; '-' and '_' in keys are the same.</summary>
    private bool? KernelBool(string key)
    {
        string k = key.Replace('-', '_');
        foreach (string word in CmdlineWords())
        {
            int eq = word.IndexOf('=');
            string name = (eq < 0 ? word : word[..eq]).Replace('-', '_');
            if (name != k)
                continue;
            if (eq < 0)
                return true;
            if (ValueParsers.TryParseBoolean(word[(eq + 1)..], out bool b))
                return b;
        }
        return null;
    }

    private int KernelVersion(string p)
    {
        string release = _facts.ReadFile("/proc/sys/kernel/osrelease")?.Trim() ?? "";
        var extractor = new WordExtractor(p);
        bool first = true;
        while (true)
        {
            int r = extractor.Next(ExtractFlags.Unquote, out string word);
            if (r < 0)
                return r;
            if (r == 0)
                return 1;
            string s = word.Trim();
            bool ok;
            if (ParseOrder(ref s) is Order order)
            {
                s = s.TrimStart(Blanks);
                if (s.Length == 0)
                {
                    if (!first || extractor.Next(ExtractFlags.None, out s) <= 0)
                        return -Errno.EINVAL;
                }
                ok = TestOrder(VersionOrder.Compare(release, s), order);
            }
            else
                ok = FnMatch(s, release);
            if (!ok)
                return 0;
            first = false;
        }
    }

    private static readonly char[] Blanks = [' ', '\t', '\n', '\r'];

    private int Credential(string p)
    {
        if (p.Length is 0 or > 255 || p is "." or ".." || p.Contains('/') || !p.All(c => c is >= ' ' and < (char)127 and not ':'))
            return 0;
        foreach (string variable in (string[])["CREDENTIALS_DIRECTORY", "ENCRYPTED_CREDENTIALS_DIRECTORY"])
        {
            if (EnvironmentValue(variable) is not { } dir)
                continue;
            if (!SpecifierContext.IsAbsoluteNormalized(dir))
                return -Errno.EINVAL;
            if (_facts.Stat(Join(dir, p), follow: false, out int errno) is not null)
                return 1;
            if (errno != Errno.ENOENT)
                return -errno;
        }
        return 0;
    }

    private bool Security(string p) => p switch
    {
        "selinux" => _facts.Exists("/sys/fs/selinux/enforce"),
        "apparmor" => _facts.ReadFile("/sys/module/apparmor/parameters/enabled")?.StartsWith('Y') == true,
        "smack" => _facts.Stat("/sys/fs/smackfs/", follow: true, out _) is { Type: FileType.Directory },
        // use_audit() opens a NETLINK_AUDIT socket; the kernel offers one exactly when it has audit support, which
        // /proc/self/loginuid also shows.
        "audit" => _facts.Exists("/proc/self/loginuid"),
        "ima" => _facts.Exists("/sys/kernel/security/ima/"),
        "tomoyo" => _facts.Exists("/sys/kernel/security/tomoyo/version"),
        "uefi-secureboot" => _facts.ReadFile("/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c") is { Length: >= 5 } v && v[4] == '\u0001',
        "tpm2" => _facts.ListDirectory("/sys/class/tpmrm", out _) is { Count: > 0 },
        _ => false,
    };

    private int Capability(string p)
    {
        if (CapabilityNames.FromName(p) is not int cap)
            return -Errno.EINVAL;
        if (StatusField("CapBnd") is not { } hex || !ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong bounding))
            bounding = ulong.MaxValue;   // as systemd: a valid capability is assumed present when the set cannot be read
        return B((bounding & (1UL << cap)) != 0);
    }

    private int AcPower(string p)
    {
        if (!ValueParsers.TryParseBoolean(p, out bool want))
            return -Errno.EINVAL;
        return B((OnAcPower() != 0) == want);
    }

    /// <summary>on_ac_power(): 1 when a Mains supply is online or none says offline, 0 when on battery, -errno.</summary>
    private int OnAcPower()
    {
        const string Dir = "/sys/class/power_supply";
        if (_facts.ListDirectory(Dir, out int errno) is not { } supplies)
            return errno == Errno.ENOENT ? 1 : -errno;
        bool offline = false;
        foreach (string supply in supplies)
        {
            if (_facts.ReadFile($"{Dir}/{supply}/type") != "Mains\n")
                continue;
            switch (_facts.ReadFile($"{Dir}/{supply}/online"))
            {
                case null: continue;
                case "1\n": return 1;
                case "0\n": offline = true; break;
                default: return -Errno.EIO;
            }
        }
        return offline ? 0 : 1;
    }

    private int Memory(string p)
    {
        string rest = p;
        var order = ParseOrder(ref rest) ?? Order.GreaterOrEqual;
        int r = ValueParsers.TryParseSize(rest, out ulong wanted);
        if (r != 0)
            return -r;
        if (PhysicalMemory() is not ulong memory)
            return -Errno.EIO;
        return B(TestOrder(memory.CompareTo(wanted), order));
    }

    /// <summary>physical_memory(): MemTotal, lowered to the root cgroup's memory limit when one is set.</summary>
    private ulong? PhysicalMemory()
    {
        if (KeyValueLine(_facts.ReadFile("/proc/meminfo"), "MemTotal") is not { } total
            || !ulong.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong kib))
            return null;
        ulong memory = kib * 1024;
        string? limit = CgroupUnified() ? _facts.ReadFile("/sys/fs/cgroup/memory.max") : _facts.ReadFile("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        if (ulong.TryParse(limit?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong lim) && lim != ulong.MaxValue)
            memory = Math.Min(memory, lim / 4096 * 4096);
        return memory;
    }

    private int Cpus(string p)
    {
        string rest = p;
        var order = ParseOrder(ref rest) ?? Order.GreaterOrEqual;
        int r = CNumberParse(rest, out uint wanted);
        if (r != 0)
            return -r;
        if (StatusField("Cpus_allowed_list") is not { } list)
            return -Errno.EIO;
        uint n = 0;
        foreach (string range in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = range.Split('-');
            uint lo = uint.Parse(ends[0], CultureInfo.InvariantCulture);
            uint hi = ends.Length > 1 ? uint.Parse(ends[1], CultureInfo.InvariantCulture) : lo;
            n += hi - lo + 1;
        }
        return B(TestOrder(n.CompareTo(wanted), order));
    }

    private static int CNumberParse(string s, out uint value) => ValueParsers.TryParseUnsigned(s, out value);

    private bool EnvironmentHas(string p)
    {
        bool equal = p.Contains('=');
        foreach (string entry in _facts.Environment)
        {
            if (equal ? entry == p : entry.StartsWith(p, StringComparison.Ordinal) && (entry.Length == p.Length || entry[p.Length] == '='))
                return true;
        }
        return false;
    }

    private string? EnvironmentValue(string name)
    {
        foreach (string entry in _facts.Environment)
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
                return entry[(name.Length + 1)..];
        return null;
    }

    private int OsRelease(string p)
    {
        var extractor = new WordExtractor(p);
        Dictionary<string, string>? release = null;
        while (true)
        {
            int r = extractor.Next(ExtractFlags.Unquote, out string condition);
            if (r < 0)
                return r;
            if (r == 0)
                return 1;
            int sep = condition.AsSpan().IndexOfAny("!<=>");
            if (sep <= 0)
                return -Errno.EINVAL;
            string key = condition[..sep], word = condition[sep..];
            if (!IsEnvName(key) || ParseOrder(ref word) is not Order order || word.Length == 0 || Blanks.Contains(word[0]))
                return -Errno.EINVAL;
            if (release is null)
            {
                string? text = _facts.ReadFile("/etc/os-release") ?? _facts.ReadFile("/usr/lib/os-release");
                if (text is null)
                    return -Errno.ENOENT;
                release = EnvFile(text);
            }
            string? actual = release.GetValueOrDefault(key);
            bool matches = order switch
            {
                Order.Equal => actual == word,
                Order.Unequal => actual != word,
                _ => TestOrder(VersionOrder.Compare(actual, word), order),
            };
            if (!matches)
                return 0;
        }
    }

    private static bool IsEnvName(string s) => s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>
    /// ConditionMemoryPressure= and friends: the PSI average (5 minutes unless "/10sec" or "/1min") is at most the
    /// percentage; "SLICE:" asks the slice's cgroup, on the unified hierarchy only. Without PSI, or without the
    /// unified hierarchy for a slice, the condition holds (systemd skips the check).
    /// </summary>
    private int Pressure(string p, string resource)
    {
        foreach (string r in (string[])["cpu", "io", "memory"])
            if (!_facts.Exists("/proc/pressure/" + r))
                return 1;
        string path, value;
        int colon = p.IndexOf(':');
        if (colon < 0)
        {
            path = "/proc/pressure/" + resource;
            value = p;
        }
        else
        {
            string slice = p[..colon].Trim();
            if (!CgroupUnified())
                return 1;
            if (SlicePath(slice) is not { } slicePath)
                return -Errno.EINVAL;
            path = $"/sys/fs/cgroup/{slicePath}/{resource}.pressure";
            value = p[(colon + 1)..];
        }
        string window = "avg300";
        int slash = value.IndexOf('/');
        if (slash >= 0)
        {
            string span = value[(slash + 1)..].TrimStart(Blanks);
            window = span.StartsWith("10sec", StringComparison.Ordinal) ? "avg10"
                : span.StartsWith("1min", StringComparison.Ordinal) ? "avg60"
                : span.StartsWith("5min", StringComparison.Ordinal) ? "avg300" : "";
            if (window.Length == 0)
                return -Errno.EINVAL;
            value = value[..slash];
        }
        if (ParsePermyriad(value.Trim()) is not int limit)
            return -Errno.EINVAL;
        if (_facts.ReadFile(path) is not { } text)
            return 1;
        // CPU pressure is "some" (a system-wide "full" CPU line reads zero); memory and I/O are "full" where given.
        string? line = (resource == "cpu" ? null : text.Split('\n').FirstOrDefault(l => l.StartsWith("full ", StringComparison.Ordinal)))
            ?? text.Split('\n').FirstOrDefault(l => l.StartsWith("some ", StringComparison.Ordinal));
        string? field = line?.Split(' ').FirstOrDefault(f => f.StartsWith(window + "=", StringComparison.Ordinal));
        if (field is null || !decimal.TryParse(field[(window.Length + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal current))
            return -Errno.EIO;
        return B(current * 100 <= limit);
    }

    /// <summary>parse_permyriad(): "N%", "N.N%", "N.NN%", "N‰", "N‱" as parts per ten thousand.</summary>
    private static int? ParsePermyriad(string s)
    {
        (string suffix, decimal factor)[] units = [("%", 100m), ("‰", 10m), ("‱", 1m)];
        foreach (var (suffix, factor) in units)
        {
            if (!s.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            if (!decimal.TryParse(s[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal v))
                return null;
            decimal pm = v * factor;
            return pm is < 0 or > 10000 || pm != decimal.Truncate(pm) ? null : (int)pm;
        }
        return null;
    }

    /// <summary>cg_slice_to_path(): "a-b.slice" → "a.slice/a-b.slice"; the root slice is the top.</summary>
    private static string? SlicePath(string slice)
    {
        if (slice == "-.slice")
            return "";
        if (!slice.EndsWith(".slice", StringComparison.Ordinal) || slice.Length == ".slice".Length)
            return null;
        string[] parts = slice[..^".slice".Length].Split('-');
        if (parts.Any(x => x.Length == 0))
            return null;
        var path = new List<string>();
        for (int i = 1; i <= parts.Length; i++)
            path.Add(string.Join('-', parts[..i]) + ".slice");
        return string.Join('/', path);
    }

    // ---- the manager's identity: /proc/self/status and the local user database -------------------------------

    private string? StatusField(string name) => KeyValueLine(_facts.ReadFile("/proc/self/status"), name);

    private static string? KeyValueLine(string? text, string name)
    {
        foreach (string line in (text ?? "").Split('\n'))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return line[(name.Length + 1)..].Trim();
        return null;
    }

    /// <summary>(real, effective) of the "Uid:" or "Gid:" line.</summary>
    private (uint Real, uint Effective)? Ids(string field)
    {
        string[]? ids = StatusField(field)?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (ids is not { Length: >= 2 })
            return null;
        return (uint.Parse(ids[0], CultureInfo.InvariantCulture), uint.Parse(ids[1], CultureInfo.InvariantCulture));
    }

    /// <summary>systemd's SYSTEM_UID_MAX on Debian.</summary>
    private const uint SystemUidMax = 999;

    private int User(string p)
    {
        if (Ids("Uid") is not var (uid, euid))
            return -Errno.EIO;
        if (ParseId(p) is uint id)
            return B(id == uid || id == euid);
        if (p == "@system")
            return B(uid <= SystemUidMax || euid <= SystemUidMax);
        string? name = EnvironmentValue("USER") ?? DatabaseName("/etc/passwd", uid);
        if (name == p)
            return 1;
        if (_facts.IsPid1)
            return B(p == "root");
        uint? found = p switch { "root" => 0u, "nobody" => 65534u, _ => DatabaseId("/etc/passwd", p) };
        return B(found is uint f && (f == uid || f == euid));
    }

    private int Group(string p)
    {
        uint? id = ParseId(p);
        if (id is null)
        {
            if (_facts.IsPid1)
                return B(p == "root");
            id = p switch { "root" => 0u, "nogroup" => 65534u, _ => DatabaseId("/etc/group", p) };
            if (id is null)
                return 0;
        }
        if (Ids("Gid") is not var (gid, egid))
            return -Errno.EIO;
        if (id == gid || id == egid)
            return 1;
        string[] groups = StatusField("Groups")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return B(groups.Contains(id.Value.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>parse_uid(): a decimal id, never (uid_t)-1 or 65535.</summary>
    private static uint? ParseId(string s)
        => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint id) && id != uint.MaxValue && id != 65535 ? id : null;

    private string? DatabaseName(string file, uint id)
    {
        foreach (string line in (_facts.ReadFile(file) ?? "").Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length >= 3 && f[2] == id.ToString(CultureInfo.InvariantCulture))
                return f[0];
        }
        return null;
    }

    private uint? DatabaseId(string file, string name)
    {
        foreach (string line in (_facts.ReadFile(file) ?? "").Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length >= 3 && f[0] == name && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
                return id;
        }
        return null;
    }

    // ---- control groups ----------------------------------------------------------------------------------------

    /// <summary>cg_all_unified(): /sys/fs/cgroup itself is the cgroup2 hierarchy.</summary>
    private bool CgroupUnified() => MountOf("/sys/fs/cgroup") is { Point: "/sys/fs/cgroup", FsType: "cgroup2" };

    /// <summary>The controllers systemd 252 knows; v1 has only these six.</summary>
    private static readonly string[] s_controllers =
    [
        "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall", "bpf-devices",
        "bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
    ];

    private static readonly string[] s_v1Controllers = ["cpu", "cpuacct", "blkio", "memory", "devices", "pids"];

    private int ControlGroupController(string p)
    {
        if (p == "v2")
            return B(CgroupUnified());
        if (p == "v1")
            return B(!CgroupUnified());
        var wanted = p.Split(Blanks, StringSplitOptions.RemoveEmptyEntries).Where(s_controllers.Contains).ToList();
        if (wanted.Count == 0)
            return 1;   // as systemd: nothing it knows is asked for
        HashSet<string> supported;
        if (CgroupUnified())
        {
            supported = [.. (_facts.ReadFile("/sys/fs/cgroup/cgroup.controllers") ?? "").Split(Blanks, StringSplitOptions.RemoveEmptyEntries)];
            if (supported.Contains("cpu"))
                supported.Add("cpuacct");
        }
        else
            supported = [.. s_v1Controllers.Where(c => _facts.Exists("/sys/fs/cgroup/" + c))];
        return B(wanted.All(supported.Contains));
    }
}
