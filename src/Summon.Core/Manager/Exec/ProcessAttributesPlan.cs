using System.Globalization;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// A unit's process-attribute settings (<see cref="ExecAttributes"/>) as what the child applies
/// (<see cref="ProcessAttributes"/>), with systemd's resolution of what was left out: the I/O class and level
/// normalized as ioprio_normalize() does, CPUAffinity=numa from the NUMA nodes' CPU lists, the session keyring by the
/// manager's default. Nothing set costs nothing: <see cref="Of"/> is null without allocating.
/// </summary>
internal static class ProcessAttributesPlan
{
    /// <summary>IOPRIO_CLASS_BE with level 4: what the kernel gives a process that set none.</summary>
    public const int DefaultIoClass = 2, DefaultIoLevel = 4;

    /// <summary>The attributes the child applies, or null when the unit sets none.</summary>
    public static ProcessAttributes? Of(ExecAttributes e)
    {
        if (e.OomScoreAdjust is null && e.CpuSchedulingPolicy is null && e.CpuSchedulingPriority is null && e.CpuAffinity is null
            && !e.CpuAffinityFromNuma && e.NumaPolicy is null && e.IoSchedulingClass is null && e.IoSchedulingPriority is null
            && e.Personality is null && e.TimerSlackNs is null && e.SecureBits == 0 && e.KeyringMode != KeyringMode.Shared)
            return null;
        (int ioClass, int ioLevel) = IoPriority(e);
        return new ProcessAttributes
        {
            OomScoreAdjust = e.OomScoreAdjust,
            SchedulingPolicy = e.CpuSchedulingPolicy ?? (e.CpuSchedulingPriority is null ? null : 0),
            SchedulingPriority = e.CpuSchedulingPriority ?? 0,
            SchedulingResetOnFork = e.CpuSchedulingResetOnFork,
            Cpus = e.CpuAffinityFromNuma ? NumaCpus(e.NumaMask) : e.CpuAffinity?.ToArray(),
            NumaPolicy = e.NumaPolicy,
            NumaNodes = e.NumaMask?.ToArray(),
            IoPriority = e.IoSchedulingClass is null && e.IoSchedulingPriority is null ? null : (ioClass << 13) | ioLevel,
            TimerSlackNs = e.TimerSlackNs,
            Personality = e.Personality is { } name
                ? ExecAttributeValues.PersonalityOf(name, System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture)
                : null,
            SecureBits = e.SecureBits == 0 ? null : e.SecureBits,
            KeyringShared = e.KeyringMode == KeyringMode.Shared,
        };
    }

    /// <summary>KeyringMode= or systemd's default: private for the system manager, inherit for a user manager.</summary>
    public static KeyringMode Keyring(ExecAttributes e, bool userMode) => e.KeyringMode ?? (userMode ? KeyringMode.Inherit : KeyringMode.Private);

    /// <summary>The I/O class and level the child gets (ioprio_normalize(): class none is best-effort, idle has level 0).</summary>
    public static (int Class, int Level) IoPriority(ExecAttributes e)
    {
        int ioClass = e.IoSchedulingClass ?? DefaultIoClass;
        int level = e.IoSchedulingPriority ?? DefaultIoLevel;
        return ioClass switch
        {
            0 => (DefaultIoClass, DefaultIoLevel),
            3 => (3, 0),
            _ => (ioClass, level),
        };
    }

    /// <summary>CPUAffinity=numa: the CPUs of NUMAMask='s nodes (all nodes when it is unset), from sysfs.</summary>
    private static int[] NumaCpus(SortedSet<int>? nodes)
    {
        var cpus = new SortedSet<int>();
        const string Root = "/sys/devices/system/node";
        IEnumerable<string> dirs = nodes is null
            ? (Directory.Exists(Root) ? Directory.EnumerateDirectories(Root, "node*") : [])
            : nodes.Select(n => Path.Combine(Root, "node" + n.ToString(CultureInfo.InvariantCulture)));
        foreach (string dir in dirs)
        {
            try
            {
                foreach (string part in File.ReadAllText(Path.Combine(dir, "cpulist")).Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    string[] range = part.Split('-');
                    int lo = int.Parse(range[0], CultureInfo.InvariantCulture), hi = int.Parse(range[^1], CultureInfo.InvariantCulture);
                    for (int cpu = lo; cpu <= hi; cpu++)
                        cpus.Add(cpu);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // A node that is not there adds no CPU; an empty set then fails the step as systemd's does.
            }
        }

        return [.. cpus];
    }
}
