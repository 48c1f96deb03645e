using System.IO.Enumeration;
using Summon.Interop;
using Summon.Units;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// A unit's device allow list as systemd 252's cgroup_apply_devices() builds it: nothing (every device) under
/// DevicePolicy=auto without DeviceAllow=; otherwise DeviceAllow='s nodes (stat) and groups (/proc/devices), plus, for
/// closed (and auto with a list), the standard pseudo devices and the pseudo terminals. PrivateDevices= turns auto into
/// closed and ProtectClock= adds "char-rtc r", as systemd's unit_patch_contexts() does.
/// </summary>
internal static class DeviceRules
{
    /// <summary>systemd's auto_devices: allowed whole under closed, with char-pts read-write.</summary>
    private static readonly string[] s_standard = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"];

    /// <summary>The policy in force and its allow list as written, with what other keys imply.</summary>
    public static (DevicePolicy Policy, List<DeviceAllowEntry> Allow) Effective(ResourceControl rc, bool privateDevices, bool protectClock)
    {
        var allow = new List<DeviceAllowEntry>(rc.DeviceAllow);
        if (protectClock)
            allow.Add(new DeviceAllowEntry("char-rtc", DeviceAccessKinds.Read));
        var policy = privateDevices && rc.DevicePolicy == DevicePolicy.Auto ? DevicePolicy.Closed : rc.DevicePolicy;
        return (policy, allow);
    }

    /// <summary>True when the unit's devices are filtered at all.</summary>
    public static bool Filtered(DevicePolicy policy, List<DeviceAllowEntry> allow) => policy != DevicePolicy.Auto || allow.Count > 0;

    /// <summary>The rules to allow (everything else denied); entries that resolve to no device are named in <paramref name="skipped"/>.</summary>
    public static List<DeviceRule> Resolve(DevicePolicy policy, List<DeviceAllowEntry> allow, string procDevices, List<string> skipped)
    {
        var rules = new List<DeviceRule>();
        if (policy == DevicePolicy.Closed || (policy == DevicePolicy.Auto && allow.Count > 0))
        {
            foreach (string node in s_standard)
                AddNode(rules, node, DeviceAccessKinds.All);
            AddGroup(rules, 'c', "pts", DeviceAccessKinds.Read | DeviceAccessKinds.Write, procDevices);
        }
        foreach (var entry in allow)
        {
            bool found = entry.Node.StartsWith("char-", StringComparison.Ordinal) ? AddGroup(rules, 'c', entry.Node[5..], entry.Access, procDevices)
                : entry.Node.StartsWith("block-", StringComparison.Ordinal) ? AddGroup(rules, 'b', entry.Node[6..], entry.Access, procDevices)
                : AddNode(rules, entry.Node, entry.Access);
            if (!found)
                skipped.Add(entry.ToString());
        }
        return rules;
    }

    /// <summary>/proc/devices: the registered majors, "Character devices:" then "Block devices:".</summary>
    public static string ReadProcDevices()
    {
        try
        {
            return File.ReadAllText("/proc/devices");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Every major of <paramref name="kind"/> whose name matches the glob <paramref name="pattern"/>.</summary>
    internal static bool AddGroup(List<DeviceRule> rules, char kind, string pattern, DeviceAccessKinds access, string procDevices)
    {
        bool found = false;
        char section = ' ';
        foreach (string raw in procDevices.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("Character devices", StringComparison.Ordinal))
                section = 'c';
            else if (line.StartsWith("Block devices", StringComparison.Ordinal))
                section = 'b';
            else if (section == kind && line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [string number, string name]
                && uint.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out uint major)
                && FileSystemName.MatchesSimpleExpression(pattern, name.Trim(), ignoreCase: false))
            {
                rules.Add(new DeviceRule(kind, major, null, access));
                found = true;
            }
        }
        return found;
    }

    private static unsafe bool AddNode(List<DeviceRule> rules, string path, DeviceAccessKinds access)
    {
        byte* stat = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, stat, 0) != 0)
            return false;
        uint type = Libc.StatModeAndOwner(stat).Mode & Libc.S_IFMT;
        char kind = type == Libc.S_IFCHR ? 'c' : type == Libc.S_IFBLK ? 'b' : ' ';
        if (kind == ' ')
            return false;
        ulong dev = Libc.StatRdev(stat);
        uint major = (uint)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL));
        uint minor = (uint)((dev & 0xff) | ((dev >> 12) & ~0xffUL));
        rules.Add(new DeviceRule(kind, major, minor, access));
        return true;
    }
}
