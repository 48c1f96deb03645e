namespace Summon.Units;

/// <summary>KeyringMode=: what the service's session keyring is (systemd.exec(5)).</summary>
internal enum KeyringMode { Inherit, Private, Shared }

/// <summary>
/// The process attributes of systemd.exec(5) that the exec child applies before execve (issue 13, the exec half of
/// item 5): OOM score, scheduling, CPU and NUMA placement, I/O priority, personality, timer slack, secure bits, the
/// session keyring, the terminal, and the executable search path. Values are kept as parsed; null means "not set".
/// </summary>
internal sealed class ExecAttributes
{
    /// <summary>OOMScoreAdjust=, -1000..1000.</summary>
    public int? OomScoreAdjust { get; set; }

    /// <summary>CPUSchedulingPolicy= as the kernel's SCHED_* number (0 other, 1 fifo, 2 rr, 3 batch, 5 idle).</summary>
    public int? CpuSchedulingPolicy { get; set; }

    /// <summary>CPUSchedulingPriority=, 0..99 (clamped to the policy's range when the policy is set).</summary>
    public int? CpuSchedulingPriority { get; set; }

    public bool CpuSchedulingResetOnFork { get; set; }

    /// <summary>CPUAffinity=: the CPUs, in ascending order; null when not set.</summary>
    public SortedSet<int>? CpuAffinity { get; set; }

    /// <summary>CPUAffinity=numa: the CPUs of the NUMA nodes of <see cref="NumaMask"/>.</summary>
    public bool CpuAffinityFromNuma { get; set; }

    /// <summary>NUMAPolicy= as the kernel's MPOL_* number (0 default, 1 preferred, 2 bind, 3 interleave, 4 local).</summary>
    public int? NumaPolicy { get; set; }

    /// <summary>NUMAMask=: the nodes.</summary>
    public SortedSet<int>? NumaMask { get; set; }

    /// <summary>IOSchedulingClass= (0 none, 1 realtime, 2 best-effort, 3 idle).</summary>
    public int? IoSchedulingClass { get; set; }

    /// <summary>IOSchedulingPriority=, 0..7.</summary>
    public int? IoSchedulingPriority { get; set; }

    /// <summary>Personality= as systemd names it ("x86", "x86-64").</summary>
    public string? Personality { get; set; }

    /// <summary>TimerSlackNSec=, in nanoseconds.</summary>
    public ulong? TimerSlackNs { get; set; }

    /// <summary>SecureBits=: the SECBIT_* mask.</summary>
    public int SecureBits { get; set; }

    /// <summary>KeyringMode=; null: the manager's default (private for the system manager, inherit for a user one).</summary>
    public KeyringMode? KeyringMode { get; set; }

    /// <summary>TTYPath=; null: /dev/console.</summary>
    public string? TtyPath { get; set; }

    public bool TtyReset { get; set; }

    public bool TtyVHangup { get; set; }

    public bool TtyVtDisallocate { get; set; }

    /// <summary>ExecSearchPath=: the directories searched for a bare executable name, and the service's $PATH.</summary>
    public List<string>? ExecSearchPath { get; set; }

    /// <summary>The terminal systemd uses when TTYPath= is not set.</summary>
    public const string DefaultTtyPath = "/dev/console";

    /// <summary>TTYPath= or its default.</summary>
    public string EffectiveTtyPath => TtyPath ?? DefaultTtyPath;
}
