using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Summon.Manager.Sandbox;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// A unit's system-call settings (<see cref="SeccompSettings"/>) as the filters its child installs
/// (<see cref="SeccompProgram"/>): one filter per setting, in systemd's exec_child order, each with the rules
/// systemd's seccomp-util adds for it. Built once per unit load and kept with the settings (a spawn copies the
/// block); nothing set costs nothing.
/// </summary>
internal static class SeccompPlan
{
    private const uint EPERM = 1, ENOSYS = 38, EAFNOSUPPORT = 97;
    private const uint SuidSgid = 0x800 | 0x400, OCreat = 0x40, ProtWrite = 2, ProtExec = 4, ShmExec = 0x8000;
    private const int SchedOther = 0, SchedFifo = 1, SchedRr = 2, SchedIdle = 5;

    private static readonly ConditionalWeakTable<SeccompSettings, SeccompProgram> s_built = new();

    /// <summary>The filters for <paramref name="exec"/>, or null when it asks none. Under best-effort in an environment
    /// without seccomp (or on an architecture without tables here) the filters are left out and named in
    /// <paramref name="context"/>'s NotApplied; in strict mode such a start fails with 228/SECCOMP.</summary>
    public static SeccompProgram? Of(ExecSettings exec, SandboxContext? context, string path)
    {
        SeccompSettings s = exec.Seccomp;
        if (s.IsEmpty)
            return null;
        bool nativeTables = RuntimeInformation.ProcessArchitecture == Architecture.X64;
        bool available = context?.Environment.Seccomp ?? true;
        if (!nativeTables || !available)
        {
            if (context is { Mode: SandboxMode.BestEffort })
            {
                string why = nativeTables ? "no seccomp here" : "no system call tables for this architecture";
                foreach (string key in Keys(s))
                    context.NotApplied.Add($"{key} ({why})");
                return null;
            }

            // Strict without tables: refused here; strict without seccomp: the child's filter step fails with 228.
            if (!nativeTables)
                throw new SpawnException(path, Errno.EOPNOTSUPP, ExitStatusNames.Seccomp);
        }

        return s_built.GetValue(s, _ => Build(s, exec.Attributes));
    }

    /// <summary>The keys of <paramref name="s"/> that ask for a filter, as systemd names them.</summary>
    public static IEnumerable<string> Keys(SeccompSettings s)
    {
        if (s.ProtectHostname) yield return "ProtectHostname=";
        if (s.AddressFamilies is { Count: > 0 } || s.AddressFamiliesAllowList) yield return "RestrictAddressFamilies=";
        if (s.MemoryDenyWriteExecute) yield return "MemoryDenyWriteExecute=";
        if (s.RestrictRealtime) yield return "RestrictRealtime=";
        if (s.RestrictSuidSgidEffective) yield return "RestrictSUIDSGID=";
        if (s.NamespacesRetained is { } r && (r & SeccompSettings.NamespacesAll) != SeccompSettings.NamespacesAll) yield return "RestrictNamespaces=";
        if (s.ProtectKernelModules) yield return "ProtectKernelModules=";
        if (s.ProtectKernelLogs) yield return "ProtectKernelLogs=";
        if (s.ProtectClock) yield return "ProtectClock=";
        if (s.PrivateDevices) yield return "PrivateDevices=";
        if (s.SyscallArchitectures is { Count: > 0 }) yield return "SystemCallArchitectures=";
        if (s.LockPersonality) yield return "LockPersonality=";
        if (s.SyscallLog is not null) yield return "SystemCallLog=";
        if (s.SyscallFilter is not null) yield return "SystemCallFilter=";
    }

    /// <summary>The x86-64 filters, in the order systemd's exec_child installs them (the call filter last).</summary>
    internal static SeccompProgram Build(SeccompSettings s, ExecAttributes attributes)
    {
        var filters = new List<SeccompFilter>();
        if (s.ProtectHostname)
            filters.Add(Deny("ProtectHostname=", ["sethostname", "setdomainname"], EPERM));
        if (s.AddressFamilies is { Count: > 0 } || s.AddressFamiliesAllowList)
            filters.Add(AddressFamilies(s));
        if (s.MemoryDenyWriteExecute)
            filters.Add(MemoryDenyWriteExecute());
        if (s.RestrictRealtime)
            filters.Add(RestrictRealtime());
        if (s.RestrictSuidSgidEffective)
            filters.Add(RestrictSuidSgid());
        if (s.NamespacesRetained is { } retained && (retained & SeccompSettings.NamespacesAll) != SeccompSettings.NamespacesAll)
            filters.Add(RestrictNamespaces(retained));
        if (s.ProtectKernelModules)
            filters.Add(Deny("ProtectKernelModules=", ["@module"], EPERM));
        if (s.ProtectKernelLogs)
            filters.Add(Deny("ProtectKernelLogs=", ["syslog"], EPERM));
        if (s.ProtectClock)
            filters.Add(Deny("ProtectClock=", ["@clock"], EPERM));
        if (s.PrivateDevices)
            filters.Add(Deny("PrivateDevices=", ["@raw-io"], EPERM));
        if (s.SyscallArchitectures is { Count: > 0 } archs && Architectures(archs) is { } archFilter)
            filters.Add(archFilter);
        if (s.LockPersonality)
            filters.Add(LockPersonality(attributes));
        if (s.SyscallLog is { } log)
            filters.Add(SyscallLog(log, s.SyscallLogAllowList));
        if (s.SyscallFilter is { } filter)
            filters.Add(SyscallFilter(filter, s.SyscallAllowList, s.SyscallErrorNumber));
        return new SeccompProgram(filters, SeccompFilter.ArchX8664);
    }

    /// <summary>SECCOMP_RET_ERRNO with the number, or SECCOMP_RET_KILL_PROCESS for kill.</summary>
    private static uint ActionOf(int errno) => errno == SeccompSettings.ActionKill ? SeccompFilter.KillProcess : SeccompFilter.Errno | (uint)errno;

    /// <summary>The x86-64 numbers of call names and sets, sets expanded, calls of other architectures left out.</summary>
    internal static SortedSet<int> Numbers(IEnumerable<string> names)
    {
        var numbers = new SortedSet<int>();
        foreach (string name in names)
            AddNumbers(numbers, name, depth: 0);
        return numbers;
    }

    private static void AddNumbers(SortedSet<int> numbers, string name, int depth)
    {
        if (name.StartsWith('@'))
        {
            foreach (string member in depth < 8 ? SyscallGroups.Members(name) ?? [] : [])
                AddNumbers(numbers, member, depth + 1);
        }
        else if (SyscallNumbers.X8664(name) is >= 0 and int nr)
        {
            numbers.Add(nr);
        }
    }

    private static int Nr(string name) => SyscallNumbers.X8664(name);

    private static SeccompFilter Deny(string key, string[] names, uint errno)
    {
        var f = new SeccompFilter(key, ExitStatusNames.Seccomp, SeccompFilter.Allow);
        foreach (int nr in Numbers(names))
            f.Rules.Add(new SeccompRule(nr, SeccompFilter.Errno | errno));
        return f;
    }

    /// <summary>seccomp_restrict_address_families(): socket()'s family argument; an allow list refuses what is
    /// out of its range and every family in it that is not listed.</summary>
    private static SeccompFilter AddressFamilies(SeccompSettings s)
    {
        var f = new SeccompFilter("RestrictAddressFamilies=", ExitStatusNames.AddressFamilies, SeccompFilter.Allow);
        int socket = Nr("socket");
        uint refuse = SeccompFilter.Errno | EAFNOSUPPORT;
        HashSet<int> set = s.AddressFamilies ?? [];
        if (s.AddressFamiliesAllowList)
        {
            var valid = set.Where(af => af > 0 && af < Posix.AddressFamilies.Max).ToList();
            if (valid.Count == 0)
            {
                f.Rules.Add(new SeccompRule(socket, refuse));
                return f;
            }

            int last = valid.Max();
            f.Rules.Add(new SeccompRule(socket, refuse, new SeccompCondition(0, SeccompCompare.Above, (uint)last)));
            for (int af = 0; af < last; af++)
            {
                if (!set.Contains(af))
                    f.Rules.Add(new SeccompRule(socket, refuse, new SeccompCondition(0, SeccompCompare.Equal, (uint)af)));
            }
        }
        else
        {
            foreach (int af in set.Order())
                f.Rules.Add(new SeccompRule(socket, refuse, new SeccompCondition(0, SeccompCompare.Equal, (uint)af)));
        }

        return f;
    }

    /// <summary>seccomp_memory_deny_write_execute(): writable and executable mappings, making memory executable.</summary>
    private static SeccompFilter MemoryDenyWriteExecute()
    {
        var f = new SeccompFilter("MemoryDenyWriteExecute=", ExitStatusNames.Seccomp, SeccompFilter.Allow);
        uint refuse = SeccompFilter.Errno | EPERM;
        f.Rules.Add(new SeccompRule(Nr("mmap"), refuse, new SeccompCondition(2, SeccompCompare.AllBits, ProtWrite | ProtExec)));
        f.Rules.Add(new SeccompRule(Nr("mprotect"), refuse, new SeccompCondition(2, SeccompCompare.AnyBit, ProtExec)));
        f.Rules.Add(new SeccompRule(Nr("pkey_mprotect"), refuse, new SeccompCondition(2, SeccompCompare.AnyBit, ProtExec)));
        f.Rules.Add(new SeccompRule(Nr("shmat"), refuse, new SeccompCondition(2, SeccompCompare.AnyBit, ShmExec)));
        return f;
    }

    /// <summary>seccomp_restrict_realtime(): sched_setscheduler() to any policy but other, batch and idle (a
    /// reset-on-fork policy is above them all, so refused too).</summary>
    private static SeccompFilter RestrictRealtime()
    {
        var f = new SeccompFilter("RestrictRealtime=", ExitStatusNames.Seccomp, SeccompFilter.Allow);
        int nr = Nr("sched_setscheduler");
        uint refuse = SeccompFilter.Errno | EPERM;
        for (int policy = SchedOther; policy < SchedIdle; policy++)
        {
            if (policy is SchedFifo or SchedRr or 4)
                f.Rules.Add(new SeccompRule(nr, refuse, new SeccompCondition(1, SeccompCompare.Equal, (uint)policy)));
        }

        f.Rules.Add(new SeccompRule(nr, refuse, new SeccompCondition(1, SeccompCompare.Above, SchedIdle)));
        return f;
    }

    /// <summary>seccomp_restrict_suid_sgid(): the mode argument of chmod, mkdir, mknod and creating opens with
    /// S_ISUID or S_ISGID; openat2() (its flags out of reach) gets ENOSYS so callers fall back to openat().</summary>
    private static SeccompFilter RestrictSuidSgid()
    {
        var f = new SeccompFilter("RestrictSUIDSGID=", ExitStatusNames.Seccomp, SeccompFilter.Allow);
        uint refuse = SeccompFilter.Errno | EPERM;
        foreach ((string name, int arg) in (ReadOnlySpan<(string, int)>)[("chmod", 1), ("fchmod", 1), ("fchmodat", 2), ("mkdir", 1),
            ("mkdirat", 2), ("mknod", 1), ("mknodat", 2)])
        {
            f.Rules.Add(new SeccompRule(Nr(name), refuse, new SeccompCondition(arg, SeccompCompare.AnyBit, SuidSgid)));
        }

        f.Rules.Add(new SeccompRule(Nr("open"), refuse, new SeccompCondition(1, SeccompCompare.AnyBit, OCreat),
            new SeccompCondition(2, SeccompCompare.AnyBit, SuidSgid)));
        f.Rules.Add(new SeccompRule(Nr("openat"), refuse, new SeccompCondition(2, SeccompCompare.AnyBit, OCreat),
            new SeccompCondition(3, SeccompCompare.AnyBit, SuidSgid)));
        f.Rules.Add(new SeccompRule(Nr("openat2"), SeccompFilter.Errno | ENOSYS));
        f.Rules.Add(new SeccompRule(Nr("creat"), refuse, new SeccompCondition(1, SeccompCompare.AnyBit, SuidSgid)));
        return f;
    }

    /// <summary>seccomp_restrict_namespaces(): clone3() gets ENOSYS (its flags are out of reach, callers fall back to
    /// clone()); unshare() and clone() with a refused type's flag, setns() to it or to any type (0), EPERM.</summary>
    private static SeccompFilter RestrictNamespaces(ulong retained)
    {
        var f = new SeccompFilter("RestrictNamespaces=", ExitStatusNames.Seccomp, SeccompFilter.Allow);
        uint refuse = SeccompFilter.Errno | EPERM;
        f.Rules.Add(new SeccompRule(Nr("clone3"), SeccompFilter.Errno | ENOSYS));
        bool anyKept = (retained & SeccompSettings.NamespacesAll) != 0;
        f.Rules.Add(anyKept
            ? new SeccompRule(Nr("setns"), refuse, new SeccompCondition(1, SeccompCompare.Equal, 0))
            : new SeccompRule(Nr("setns"), refuse));
        for (int bit = 0; bit < 32; bit++)
        {
            uint flag = 1u << bit;
            if ((SeccompSettings.NamespacesAll & flag) == 0 || (retained & flag) != 0)
                continue;
            f.Rules.Add(new SeccompRule(Nr("unshare"), refuse, new SeccompCondition(0, SeccompCompare.AnyBit, flag)));
            f.Rules.Add(new SeccompRule(Nr("clone"), refuse, new SeccompCondition(0, SeccompCompare.AnyBit, flag)));
            if (anyKept)
                f.Rules.Add(new SeccompRule(Nr("setns"), refuse, new SeccompCondition(1, SeccompCompare.AnyBit, flag)));
        }

        return f;
    }

    /// <summary>seccomp_restrict_archs(): calls of an architecture not listed kill the process (x86-64 itself is
    /// always allowed); null when nothing local is refused.</summary>
    private static SeccompFilter? Architectures(HashSet<string> archs)
    {
        bool i386 = archs.Contains("x86"), x32 = archs.Contains("x32");
        if (i386 && x32)
            return null;
        return new SeccompFilter("SystemCallArchitectures=", ExitStatusNames.Seccomp, SeccompFilter.Allow)
        {
            ForeignAction = SeccompFilter.KillProcess,
            AllowedArchitectures = i386 ? [SeccompFilter.ArchI386] : [],
            AllowX32 = x32,
        };
    }

    /// <summary>seccomp_lock_personality(): personality() to anything but the unit's (Personality=, else PER_LINUX).</summary>
    private static SeccompFilter LockPersonality(ExecAttributes attributes)
    {
        uint personality = attributes.Personality is { } name
            ? ExecAttributeValues.PersonalityOf(name, Architecture.X64) ?? 0
            : 0;
        var f = new SeccompFilter("LockPersonality=", ExitStatusNames.Seccomp, SeccompFilter.Allow);
        f.Rules.Add(new SeccompRule(Nr("personality"), SeccompFilter.Errno | EPERM,
            new SeccompCondition(0, SeccompCompare.NotEqual, personality)));
        return f;
    }

    /// <summary>apply_syscall_log(): the listed calls logged (or all but them with "~"), all allowed.</summary>
    private static SeccompFilter SyscallLog(HashSet<string> names, bool allowList)
    {
        var f = new SeccompFilter("SystemCallLog=", ExitStatusNames.Seccomp, allowList ? SeccompFilter.Allow : SeccompFilter.Log);
        foreach (int nr in Numbers(names))
            f.Rules.Add(new SeccompRule(nr, allowList ? SeccompFilter.Log : SeccompFilter.Allow));
        return f;
    }

    /// <summary>apply_syscall_filter(): an allow list lets its calls through and refuses the rest with
    /// SystemCallErrorNumber= (kill by default); a deny list refuses its calls so; an entry's own errno wins.</summary>
    private static SeccompFilter SyscallFilter(Dictionary<string, int> entries, bool allowList, int errorNumber)
    {
        uint refuse = ActionOf(errorNumber);
        var f = new SeccompFilter("SystemCallFilter=", ExitStatusNames.Seccomp, allowList ? refuse : SeccompFilter.Allow);
        var byNumber = new SortedDictionary<int, int>();
        foreach ((string name, int errno) in entries)
        {
            if (Nr(name) is >= 0 and int nr)
                byNumber[nr] = errno;
        }

        foreach ((int nr, int errno) in byNumber)
        {
            uint action = errno != SeccompSettings.ActionDefault ? ActionOf(errno)
                : allowList ? SeccompFilter.Allow : refuse;
            f.Rules.Add(new SeccompRule(nr, action));
        }

        return f;
    }
}
