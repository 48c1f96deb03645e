using System.Globalization;
using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// The process attributes a child gets before execve (systemd.exec(5): OOMScoreAdjust=, CPUScheduling*=,
/// CPUAffinity=, NUMAPolicy=/NUMAMask=, IOScheduling*=, TimerSlackNSec=, Personality=, SecureBits=,
/// KeyringMode=shared) as the kernel's numbers. The in-process routine applies them in its C child
/// (<see cref="Fill"/>); the exec helper gets them as one argument (<see cref="Format"/>/<see cref="TryParse"/>) and
/// applies them through the same C steps. Null members are not set.
/// </summary>
internal sealed record ProcessAttributes
{
    public int? OomScoreAdjust { get; init; }

    /// <summary>SCHED_* policy; applied with <see cref="SchedulingPriority"/>.</summary>
    public int? SchedulingPolicy { get; init; }

    public int SchedulingPriority { get; init; }

    public bool SchedulingResetOnFork { get; init; }

    /// <summary>CPU indices, each below <see cref="MaxIndex"/>.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>MPOL_* mode; applied with <see cref="NumaNodes"/>.</summary>
    public int? NumaPolicy { get; init; }

    public IReadOnlyList<int>? NumaNodes { get; init; }

    /// <summary>IOPRIO_PRIO_VALUE(class, level).</summary>
    public int? IoPriority { get; init; }

    public ulong? TimerSlackNs { get; init; }

    public uint? Personality { get; init; }

    public int? SecureBits { get; init; }

    /// <summary>KeyringMode=shared: the user's keyring is linked into the new session keyring.</summary>
    public bool KeyringShared { get; init; }

    /// <summary>The masks passed to the child hold CPUs and nodes below this.</summary>
    public const int MaxIndex = SummonSpawn.MaskWords * 64;

    private const string SchedulerResetOnForkFlag = "r";

    /// <summary>The native block; false with the bad index when a CPU or node is beyond <see cref="MaxIndex"/>.</summary>
    public unsafe bool Fill(SummonSpawn.Attrs* native)
    {
        *native = default;
        if (OomScoreAdjust is int oom)
        {
            native->Set |= SummonSpawn.ATTR_OOM;
            native->OomScoreAdjust = oom;
        }

        if (SchedulingPolicy is int policy)
        {
            native->Set |= SummonSpawn.ATTR_SCHED;
            native->SchedPolicy = policy | (SchedulingResetOnFork ? 0x40000000 : 0);
            native->SchedPriority = SchedulingPriority;
        }

        if (Cpus is { } cpus)
        {
            native->Set |= SummonSpawn.ATTR_CPUS;
            if (!SetBits(native->Cpus, cpus))
                return false;
        }

        if (NumaPolicy is int numa)
        {
            native->Set |= SummonSpawn.ATTR_NUMA;
            native->NumaPolicy = numa;
            if (NumaNodes is { } nodes && !SetBits(native->NumaNodes, nodes))
                return false;
        }

        if (IoPriority is int io)
        {
            native->Set |= SummonSpawn.ATTR_IOPRIO;
            native->IoPrio = io;
        }

        if (TimerSlackNs is ulong slack)
        {
            native->Set |= SummonSpawn.ATTR_TIMERSLACK;
            native->TimerSlackNs = slack;
        }

        if (Personality is uint personality)
        {
            native->Set |= SummonSpawn.ATTR_PERSONALITY;
            native->Personality = personality;
        }

        if (SecureBits is int bits)
        {
            native->Set |= SummonSpawn.ATTR_SECUREBITS;
            native->SecureBits = bits;
        }

        if (KeyringShared)
            native->Set |= SummonSpawn.ATTR_KEYRING_SHARED;
        return true;
    }

    private static unsafe bool SetBits(ulong* mask, IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
        {
            if (i is < 0 or >= MaxIndex)
                return false;
            mask[i / 64] |= 1UL << (i % 64);
        }

        return true;
    }

    /// <summary>The helper's argument: "oom=-500;sched=1:10:r;cpus=0,1;numa=2:0;io=16388;slack=1000;pers=8;secure=1;keyring=shared".</summary>
    public string Format()
    {
        var parts = new List<string>();
        if (OomScoreAdjust is int oom)
            parts.Add("oom=" + Number(oom));
        if (SchedulingPolicy is int policy)
            parts.Add($"sched={Number(policy)}:{Number(SchedulingPriority)}" + (SchedulingResetOnFork ? ":" + SchedulerResetOnForkFlag : ""));
        if (Cpus is { } cpus)
            parts.Add("cpus=" + string.Join(',', cpus.Select(Number)));
        if (NumaPolicy is int numa)
            parts.Add($"numa={Number(numa)}:" + string.Join(',', (NumaNodes ?? []).Select(Number)));
        if (IoPriority is int io)
            parts.Add("io=" + Number(io));
        if (TimerSlackNs is ulong slack)
            parts.Add("slack=" + slack.ToString(CultureInfo.InvariantCulture));
        if (Personality is uint personality)
            parts.Add("pers=" + personality.ToString(CultureInfo.InvariantCulture));
        if (SecureBits is int bits)
            parts.Add("secure=" + Number(bits));
        if (KeyringShared)
            parts.Add("keyring=shared");
        return string.Join(';', parts);
    }

    /// <summary>Reads <see cref="Format"/>'s text; null when it is not that.</summary>
    public static ProcessAttributes? TryParse(string text)
    {
        var a = new ProcessAttributes();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                return null;
            string value = part[(eq + 1)..];
            ProcessAttributes? next = part[..eq] switch
            {
                "oom" when Int(value) is int oom => a with { OomScoreAdjust = oom },
                "sched" when value.Split(':') is [var p, var q, ..] r && Int(p) is int policy && Int(q) is int priority
                    && (r.Length == 2 || (r.Length == 3 && r[2] == SchedulerResetOnForkFlag)) =>
                    a with { SchedulingPolicy = policy, SchedulingPriority = priority, SchedulingResetOnFork = r.Length == 3 },
                "cpus" when List(value) is { } cpus => a with { Cpus = cpus },
                "numa" when value.Split(':') is [var p, var n] && Int(p) is int policy && List(n) is { } nodes =>
                    a with { NumaPolicy = policy, NumaNodes = nodes },
                "io" when Int(value) is int io => a with { IoPriority = io },
                "slack" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong slack) => a with { TimerSlackNs = slack },
                "pers" when uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint pers) => a with { Personality = pers },
                "secure" when Int(value) is int bits => a with { SecureBits = bits },
                "keyring" when value == "shared" => a with { KeyringShared = true },
                _ => null,
            };
            if (next is null)
                return null;
            a = next;
        }

        return a;
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static int? Int(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null;

    private static List<int>? List(string s)
    {
        var list = new List<int>();
        foreach (string item in s.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Int(item) is not int n || n < 0)
                return null;
            list.Add(n);
        }

        return list;
    }
}
