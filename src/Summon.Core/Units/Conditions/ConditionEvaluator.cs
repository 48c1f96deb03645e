using Summon.Posix;

namespace Summon.Units.Conditions;

/// <summary>
/// Tests Condition*=/Assert*= as systemd 252's condition.c does, against the facts of <see cref="IConditionFacts"/>.
/// A list holds when every non-trigger entry holds and, if it has trigger ("|") entries, at least one of those; the
/// list is walked in its stored order and stops at the first failing non-trigger entry (the rest stay untested).
/// An entry whose result cannot be determined counts as failed. No call here waits: facts are local files.
/// </summary>
internal sealed partial class ConditionEvaluator
{
    private readonly IConditionFacts _facts;

    public ConditionEvaluator(IConditionFacts facts) => _facts = facts;

    /// <summary>What one test said, for the caller's log: the entry, its outcome, and the errno of an error.</summary>
    public delegate void Report(UnitCondition condition, ConditionOutcome outcome, int errno);

    /// <summary>
    /// condition_test_list(): true when the list holds (an empty list does). <paramref name="outcomes"/>, when given,
    /// receives each entry's outcome by index (Untested for the entries after the one that decided).
    /// </summary>
    public bool TestList(IReadOnlyList<UnitCondition> list, ConditionOutcome[]? outcomes = null, Report? report = null)
    {
        int triggered = -1;
        for (int i = 0; i < list.Count; i++)
        {
            var c = list[i];
            var outcome = Test(c, out int errno);
            if (outcomes is not null)
                outcomes[i] = outcome;
            report?.Invoke(c, outcome, errno);
            bool met = outcome == ConditionOutcome.Succeeded;
            if (!c.Trigger && !met)
                return false;
            if (c.Trigger && triggered <= 0)
                triggered = met ? 1 : 0;
        }
        return triggered != 0;
    }

    /// <summary>condition_test(): the kind's test, then "!" applied; Error (with the errno) when it cannot be known.</summary>
    public ConditionOutcome Test(UnitCondition c, out int errno)
    {
        int r;
        try
        {
            r = TestKind(c.Kind, c.Parameter);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            r = -Errno.EIO;
        }
        if (r < 0)
        {
            errno = -r;
            return ConditionOutcome.Error;
        }
        errno = 0;
        return (r > 0) != c.Negate ? ConditionOutcome.Succeeded : ConditionOutcome.Failed;
    }

    /// <summary>1 when the kind holds for the parameter, 0 when not, -errno when it cannot be determined.</summary>
    private int TestKind(ConditionKind kind, string p) => kind switch
    {
        ConditionKind.PathExists => B(_facts.Exists(p)),
        ConditionKind.PathExistsGlob => B(GlobExists(p)),
        ConditionKind.PathIsDirectory => B(_facts.Stat(p, follow: true, out _) is { Type: FileType.Directory }),
        ConditionKind.PathIsSymbolicLink => B(_facts.Stat(p, follow: false, out _) is { Type: FileType.SymbolicLink }),
        ConditionKind.PathIsMountPoint => B(IsMountPoint(p)),
        ConditionKind.PathIsReadWrite => IsReadWrite(p),
        ConditionKind.PathIsEncrypted => B(IsEncrypted(p) > 0),
        ConditionKind.DirectoryNotEmpty => DirectoryNotEmpty(p),
        ConditionKind.FileNotEmpty => B(_facts.Stat(p, follow: true, out _) is { Type: FileType.Regular, Size: > 0 }),
        ConditionKind.FileIsExecutable => B(_facts.Stat(p, follow: true, out _) is { Type: FileType.Regular } st && (st.Mode & 0b001_001_001) != 0),
        ConditionKind.NeedsUpdate => NeedsUpdate(p),
        ConditionKind.FirstBoot => FirstBoot(p),
        ConditionKind.Architecture => Architecture(p),
        ConditionKind.Firmware => Firmware(p),
        ConditionKind.Virtualization => Virtualization(p),
        ConditionKind.Host => Host(p),
        ConditionKind.KernelCommandLine => KernelCommandLine(p),
        ConditionKind.KernelVersion => KernelVersion(p),
        ConditionKind.Credential => Credential(p),
        ConditionKind.Security => B(Security(p)),
        ConditionKind.Capability => Capability(p),
        ConditionKind.ACPower => AcPower(p),
        ConditionKind.Memory => Memory(p),
        ConditionKind.CPUs => Cpus(p),
        ConditionKind.Environment => B(EnvironmentHas(p)),
        ConditionKind.CPUFeature => B(_facts.HasCpuFeature(p)),
        ConditionKind.OSRelease => OsRelease(p),
        ConditionKind.MemoryPressure => Pressure(p, "memory"),
        ConditionKind.CPUPressure => Pressure(p, "cpu"),
        ConditionKind.IOPressure => Pressure(p, "io"),
        ConditionKind.User => User(p),
        ConditionKind.Group => Group(p),
        ConditionKind.ControlGroupController => ControlGroupController(p),
        _ => -Errno.EINVAL,
    };

    private static int B(bool b) => b ? 1 : 0;

    // ---- comparisons: systemd 252's parse_order()/test_order() ------------------------------------------------

    private enum Order { LowerOrEqual, GreaterOrEqual, Lower, Greater, Equal, Unequal }

    private static readonly (string Prefix, Order Order)[] s_orders =
    [
        ("<=", Order.LowerOrEqual), (">=", Order.GreaterOrEqual), ("<", Order.Lower), (">", Order.Greater),
        ("=", Order.Equal), ("!=", Order.Unequal),
    ];

    /// <summary>The comparison operator <paramref name="s"/> starts with (and the rest after it), or null.</summary>
    private static Order? ParseOrder(ref string s)
    {
        foreach (var (prefix, order) in s_orders)
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal))
            {
                s = s[prefix.Length..];
                return order;
            }
        }
        return null;
    }

    private static bool TestOrder(int k, Order order) => order switch
    {
        Order.Lower => k < 0,
        Order.LowerOrEqual => k <= 0,
        Order.Equal => k == 0,
        Order.Unequal => k != 0,
        Order.GreaterOrEqual => k >= 0,
        _ => k > 0,
    };

    /// <summary>fnmatch(3) with flags 0 (or FNM_CASEFOLD): '*', '?', '[…]', and '\' quoting the next character.</summary>
    internal static bool FnMatch(string pattern, string text, bool caseFold = false)
    {
        if (caseFold)
        {
            pattern = pattern.ToLowerInvariant();
            text = text.ToLowerInvariant();
        }
        return FnMatch(pattern.AsSpan(), text.AsSpan());
    }

    private static bool FnMatch(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        while (p.Length > 0)
        {
            char c = p[0];
            if (c == '*')
            {
                p = p[1..];
                while (p.Length > 0 && p[0] == '*')
                    p = p[1..];
                if (p.Length == 0)
                    return true;
                for (int i = 0; i <= t.Length; i++)
                    if (FnMatch(p, t[i..]))
                        return true;
                return false;
            }
            if (t.Length == 0)
                return false;
            if (c == '?')
            {
                p = p[1..];
                t = t[1..];
                continue;
            }
            if (c == '[' && UnitPattern.BracketEnd(p, 0) is int end and > 0)
            {
                if (!UnitPattern.InSet(p[1..end], t[0]))
                    return false;
                p = p[(end + 1)..];
                t = t[1..];
                continue;
            }
            if (c == '\\' && p.Length > 1)
            {
                p = p[1..];
                c = p[0];
            }
            if (c != t[0])
                return false;
            p = p[1..];
            t = t[1..];
        }
        return t.Length == 0;
    }
}
