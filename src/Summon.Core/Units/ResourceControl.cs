namespace Summon.Units;

/// <summary>
/// A limit as systemd keeps it (CGroupTasksMax and the memory limits): an absolute <see cref="Value"/> when
/// <see cref="Scale"/> is 0 (<see cref="ulong.MaxValue"/> meaning "infinity"), else the fraction Value/Scale of
/// the system's amount (a percentage is kept in permyriad, Scale 10000), resolved only where the amount is known.
/// </summary>
internal readonly record struct ScaledLimit(ulong Value, ulong Scale)
{
    public static readonly ScaledLimit Infinity = new(ulong.MaxValue, 0);

    public bool IsInfinity => Scale == 0 && Value == ulong.MaxValue;

    /// <summary>The limit against <paramref name="total"/> (physical memory, the system's task maximum).</summary>
    public ulong Resolve(ulong total) => Scale == 0 ? Value : ScaleOf(total, Value, Scale);

    /// <summary>total × v / max without overflow (<see cref="ulong.MaxValue"/> when it would).</summary>
    public static ulong ScaleOf(ulong total, ulong v, ulong max)
    {
        UInt128 m = (UInt128)total * v / max;
        return m >= ulong.MaxValue ? ulong.MaxValue : (ulong)m;
    }
}

/// <summary>
/// The control-group settings of a unit (systemd.resource-control(5)) as written: its slice, delegation, the memory,
/// task, CPU and IO limits and weights, and the accounting switches. The manager applies them where a writable
/// control group hierarchy with the controller exists (Manager/ControlGroups); null means "not set".
/// </summary>
internal sealed class ResourceControl
{
    /// <summary>Slice=, a valid slice unit name; null means the manager's default (system.slice or app.slice).</summary>
    public string? Slice { get; set; }

    /// <summary>Delegate=: yes (every controller), or the controllers listed.</summary>
    public bool Delegate { get; set; }

    /// <summary>Delegate= with a list of controllers; null for a plain boolean.</summary>
    public List<string>? DelegateControllers { get; set; }

    public ScaledLimit? MemoryMin { get; set; }

    public ScaledLimit? MemoryLow { get; set; }

    public ScaledLimit? MemoryHigh { get; set; }

    public ScaledLimit? MemoryMax { get; set; }

    public ScaledLimit? MemorySwapMax { get; set; }

    public ScaledLimit? TasksMax { get; set; }

    /// <summary>CPUQuota= as CPU time per second of wall clock, in µs (20% is 200000).</summary>
    public ulong? CPUQuotaPerSecUSec { get; set; }

    /// <summary>CPUQuotaPeriodSec=, in µs.</summary>
    public ulong? CPUQuotaPeriodUSec { get; set; }

    public ulong? CPUWeight { get; set; }

    public ulong? StartupCPUWeight { get; set; }

    public ulong? IOWeight { get; set; }

    public bool? CPUAccounting { get; set; }

    public bool? MemoryAccounting { get; set; }

    public bool? TasksAccounting { get; set; }

    public bool? IOAccounting { get; set; }

    /// <summary>DevicePolicy=.</summary>
    public DevicePolicy DevicePolicy { get; set; }

    /// <summary>DeviceAllow=, in the order written.</summary>
    public List<DeviceAllowEntry> DeviceAllow { get; } = [];

    /// <summary>IPAddressAllow=: a peer in one of these networks is always reached.</summary>
    public List<IpAddressPrefix> IPAddressAllow { get; } = [];

    /// <summary>IPAddressDeny=: a peer in one of these networks (and in none of the allowed) is not.</summary>
    public List<IpAddressPrefix> IPAddressDeny { get; } = [];

    /// <summary>The unit restricts devices or IP peers (what needs the cgroup's device and packet filters).</summary>
    public bool HasAccessRules => DevicePolicy != DevicePolicy.Auto || DeviceAllow.Count > 0 || IPAddressDeny.Count > 0;

    /// <summary>True when a key asks for a limit or weight (what needs a controller, not only a cgroup).</summary>
    public bool HasLimits => MemoryMin is not null || MemoryLow is not null || MemoryHigh is not null || MemoryMax is not null
        || MemorySwapMax is not null || TasksMax is not null || CPUQuotaPerSecUSec is not null || CPUWeight is not null
        || StartupCPUWeight is not null || IOWeight is not null;
}
