using System.Globalization;
using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>systemd 252's architecture names for SystemCallArchitectures= (seccomp_arch_from_string()).</summary>
    private static readonly HashSet<string> s_seccompArchitectures = new(StringComparer.Ordinal)
    {
        "native", "x86", "x86-64", "x32", "arm", "arm64", "loongarch64", "mips", "mips64", "mips64-n32", "mips-le",
        "mips64-le", "mips64-le-n32", "parisc", "parisc64", "ppc", "ppc64", "ppc64-le", "riscv64", "s390", "s390x",
    };

    /// <summary>RestrictNamespaces='s type names and their CLONE_NEW* flags (namespace_flag_map).</summary>
    private static readonly (string Name, ulong Flag)[] s_namespaceFlags =
    [
        ("cgroup", 0x02000000), ("ipc", 0x08000000), ("net", 0x40000000), ("mnt", 0x20000), ("pid", 0x20000000),
        ("user", 0x10000000), ("uts", 0x04000000), ("time", 0x80),
    ];

    /// <summary>The system-call filter keys of systemd.exec(5) with systemd 252's syntax and warnings; null when the key
    /// is not one of them (the keys of other parts whose system-call aspect is applied here are noted, and still
    /// answered null so their own part sees them).</summary>
    private int? ApplySeccomp(SeccompSettings s, string key, string value)
    {
        switch (key)
        {
            case "SystemCallFilter": ApplySyscallFilter(s, value); return 0;
            case "SystemCallErrorNumber": ApplySyscallErrorNumber(s, value); return 0;
            case "SystemCallArchitectures": ApplySyscallArchitectures(s, value); return 0;
            case "SystemCallLog": ApplySyscallLog(s, value); return 0;
            case "RestrictAddressFamilies": ApplyAddressFamilies(s, value); return 0;
            case "RestrictNamespaces": ApplyRestrictNamespaces(s, value); return 0;
            case "RestrictRealtime": Set(ParseBoolean(value), v => s.RestrictRealtime = v); return 0;
            case "RestrictSUIDSGID": Set(ParseBoolean(value), v => s.RestrictSuidSgid = v); return 0;
            case "LockPersonality": Set(ParseBoolean(value), v => s.LockPersonality = v); return 0;
            case "MemoryDenyWriteExecute": Set(ParseBoolean(value), v => s.MemoryDenyWriteExecute = v); return 0;
        }

        return null;
    }

    /// <summary>config_parse_syscall_filter(): the first line decides allow or deny list (an allow list starts with
    /// @default); later lines add to or remove from the set.</summary>
    private void ApplySyscallFilter(SeccompSettings s, string value)
    {
        if (value.Length == 0)
        {
            s.SyscallFilter = null;
            s.SyscallAllowList = false;
            return;
        }

        bool invert = value[0] == '~';
        string rest = invert ? value[1..] : value;
        if (s.SyscallFilter is null)
        {
            s.SyscallFilter = new Dictionary<string, int>(StringComparer.Ordinal);
            s.SyscallAllowList = !invert;
            if (!invert)
                AddSyscall(s.SyscallFilter, "@default", SeccompSettings.ActionDefault, invert: false, allowList: true, log: false);
        }

        var words = new WordExtractor(rest);
        while (true)
        {
            int r = words.Next(ExtractFlags.None, out string word);
            if (r == 0)
                return;
            if (r < 0)
            {
                Warn($"Invalid syntax, ignoring: {rest}");
                return;
            }

            if (!TryParseSyscallAndErrno(word, out string name, out int errno))
                Warn($"Failed to parse syscall:errno, ignoring: {word}");
            else if (!invert && errno != SeccompSettings.ActionDefault)
                Warn($"Allow-listed system calls cannot take error number, ignoring: {word}");
            else
                AddSyscall(s.SyscallFilter, name, errno, invert, s.SyscallAllowList, log: true);
        }
    }

    /// <summary>seccomp_parse_syscall_filter(): a set expands to its members with the same errno; a call is put in the
    /// set when the line agrees with the list's kind (or carries an errno on an allow list), else taken out of it.</summary>
    private void AddSyscall(Dictionary<string, int> filter, string name, int errno, bool invert, bool allowList, bool log)
    {
        if (name.StartsWith('@'))
        {
            if (SyscallGroups.Members(name) is not { } members)
            {
                if (log)
                    Warn($"Unknown system call group, ignoring: {name}");
                return;
            }

            foreach (string member in members)
                AddSyscall(filter, member, errno, invert, allowList, log: false);
            return;
        }

        if (!IsKnownSyscall(name))
        {
            if (log)
                Warn($"Failed to parse system call, ignoring: {name}");
            return;
        }

        if (!invert == allowList || (invert && allowList && errno != SeccompSettings.ActionDefault))
            filter[name] = errno;
        else
            filter.Remove(name);
    }

    /// <summary>A call libseccomp would resolve: one with an x86-64 number or a member of some set.</summary>
    private static bool IsKnownSyscall(string name) => SyscallNumbers.X8664(name) >= 0 || s_setMembers.Value.Contains(name);

    private static readonly Lazy<HashSet<string>> s_setMembers = new(() =>
        new HashSet<string>(SyscallGroups.Names.SelectMany(g => SyscallGroups.Members(g)!).Where(m => !m.StartsWith('@')), StringComparer.Ordinal));

    /// <summary>parse_syscall_and_errno(): "name" or "name:errno" where errno is a name, 0..4095, or "kill".</summary>
    internal static bool TryParseSyscallAndErrno(string word, out string name, out int errno)
    {
        errno = SeccompSettings.ActionDefault;
        int colon = word.IndexOf(':');
        name = colon < 0 ? word : word[..colon];
        if (colon < 0)
            return name.Length > 0;
        string e = word[(colon + 1)..];
        if (e == "kill")
        {
            errno = SeccompSettings.ActionKill;
            return name.Length > 0;
        }

        errno = ParseErrno(e);
        return name.Length > 0 && errno >= 0;
    }

    /// <summary>parse_errno(): an errno name or a number 0..4095; -1 otherwise.</summary>
    internal static int ParseErrno(string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 4095 ? n : -1;
        return ErrnoNames.Number(text);
    }

    /// <summary>config_parse_syscall_errno().</summary>
    private void ApplySyscallErrorNumber(SeccompSettings s, string value)
    {
        if (value.Length == 0 || value == "kill")
        {
            s.SyscallErrorNumber = SeccompSettings.ActionKill;
            return;
        }

        int e = ParseErrno(value);
        if (e < 0)
            Warn($"Failed to parse error number, ignoring: {value}");
        else if (e == 0)
            Warn($"Invalid error number, ignoring: {value}");
        else
            s.SyscallErrorNumber = e;
    }

    /// <summary>config_parse_syscall_archs().</summary>
    private void ApplySyscallArchitectures(SeccompSettings s, string value)
    {
        if (value.Length == 0)
        {
            s.SyscallArchitectures = null;
            return;
        }

        s.SyscallArchitectures ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (string word in Words(value))
        {
            if (s_seccompArchitectures.Contains(word))
                s.SyscallArchitectures.Add(word);
            else
                Warn($"Failed to parse system call architecture \"{word}\", ignoring: Invalid argument");
        }
    }

    /// <summary>config_parse_syscall_log(): the same set rules as SystemCallFilter=, without errno and @default.</summary>
    private void ApplySyscallLog(SeccompSettings s, string value)
    {
        if (value.Length == 0)
        {
            s.SyscallLog = null;
            s.SyscallLogAllowList = false;
            return;
        }

        bool invert = value[0] == '~';
        string rest = invert ? value[1..] : value;
        if (s.SyscallLog is null)
        {
            s.SyscallLog = new HashSet<string>(StringComparer.Ordinal);
            s.SyscallLogAllowList = !invert;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string n in s.SyscallLog)
            names[n] = SeccompSettings.ActionDefault;
        foreach (string word in Words(rest, ExtractFlags.None))
            AddSyscall(names, word, SeccompSettings.ActionDefault, invert, s.SyscallLogAllowList, log: true);
        s.SyscallLog = new HashSet<string>(names.Keys, StringComparer.Ordinal);
    }

    /// <summary>config_parse_address_families(): "none" forbids every family; the first line decides allow or deny.</summary>
    private void ApplyAddressFamilies(SeccompSettings s, string value)
    {
        if (value.Length == 0)
        {
            s.AddressFamilies = null;
            s.AddressFamiliesAllowList = false;
            return;
        }

        if (value == "none")
        {
            s.AddressFamilies = null;
            s.AddressFamiliesAllowList = true;
            return;
        }

        bool invert = value[0] == '~';
        string rest = invert ? value[1..] : value;
        if (s.AddressFamilies is null)
        {
            s.AddressFamilies = [];
            s.AddressFamiliesAllowList = !invert;
        }

        foreach (string word in Words(rest))
        {
            int af = Posix.AddressFamilies.Number(word);
            if (af < 0)
                Warn($"Failed to parse address family, ignoring: {word}");
            else if (!invert == s.AddressFamiliesAllowList)
                s.AddressFamilies.Add(af);
            else
                s.AddressFamilies.Remove(af);
        }
    }

    /// <summary>config_parse_restrict_namespaces(): a boolean replaces, a (possibly "~") list sets or merges.</summary>
    private void ApplyRestrictNamespaces(SeccompSettings s, string value)
    {
        if (value.Length == 0)
        {
            s.NamespacesRetained = null;
            return;
        }

        if (ValueParsers.TryParseBoolean(value, out bool restrict))
        {
            s.NamespacesRetained = restrict ? 0 : SeccompSettings.NamespacesAll;
            return;
        }

        bool invert = value[0] == '~';
        string rest = invert ? value[1..] : value;
        ulong flags = 0;
        foreach (string word in Words(rest))
        {
            int i = Array.FindIndex(s_namespaceFlags, f => f.Name == word);
            if (i < 0)
            {
                Warn($"Failed to parse namespace type string, ignoring: {rest}");
                return;
            }

            flags |= s_namespaceFlags[i].Flag;
        }

        if (s.NamespacesRetained is not { } retained)
            s.NamespacesRetained = invert ? ~flags & SeccompSettings.NamespacesAll : flags;
        else
            s.NamespacesRetained = invert ? retained & ~flags : retained | flags;
    }
}
