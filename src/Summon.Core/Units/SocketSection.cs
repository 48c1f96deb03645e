namespace Summon.Units;

internal enum BindIPv6Only { Default, Both, Ipv6Only }

/// <summary>Typed [Socket] settings with systemd 252 defaults (socket_init()).</summary>
internal sealed class SocketSection
{
    /// <summary>SOMAXCONN_DELUXE in systemd 252 (INT_MAX); dumps show "Backlog: 2147483647".</summary>
    public const uint DefaultBacklog = int.MaxValue;

    public List<ListenSpec> Listen { get; } = [];

    /// <summary>IPAddressAllow= of the socket unit: applied to its listening sockets and what they accept.</summary>
    public List<IpAddressPrefix> IPAddressAllow { get; } = [];

    /// <summary>IPAddressDeny= of the socket unit.</summary>
    public List<IpAddressPrefix> IPAddressDeny { get; } = [];

    public bool Accept { get; set; }

    /// <summary>Service= as written (after specifiers), null when unset.</summary>
    public string? Service { get; set; }

    public uint MaxConnections { get; set; } = 64;

    public uint MaxConnectionsPerSource { get; set; }

    public uint Backlog { get; set; } = DefaultBacklog;

    public BindIPv6Only BindIPv6Only { get; set; }

    public string? BindToDevice { get; set; }

    public string? SocketUser { get; set; }

    public string? SocketGroup { get; set; }

    public uint SocketMode { get; set; } = Convert.ToUInt32("666", 8);

    public uint DirectoryMode { get; set; } = Convert.ToUInt32("755", 8);

    /// <summary>FileDescriptorName=; null means the socket unit's name.</summary>
    public string? FileDescriptorName { get; set; }

    public bool RemoveOnStop { get; set; }

    public List<string> Symlinks { get; } = [];

    public bool ReusePort { get; set; }

    public bool FreeBind { get; set; }

    public bool Transparent { get; set; }

    public bool Broadcast { get; set; }

    public bool NoDelay { get; set; }

    public bool KeepAlive { get; set; }

    public TimeSpan? KeepAliveTime { get; set; }

    public TimeSpan? KeepAliveInterval { get; set; }

    public uint? KeepAliveProbes { get; set; }

    public TimeSpan DeferAccept { get; set; }

    public bool PassCredentials { get; set; }

    public bool PassSecurity { get; set; }

    public bool PassPacketInfo { get; set; }

    public bool Writable { get; set; }

    public bool FlushPending { get; set; }

    public int? Priority { get; set; }

    public int? Mark { get; set; }

    public int? IPTTL { get; set; }

    public ulong? ReceiveBuffer { get; set; }

    public ulong? SendBuffer { get; set; }

    public ulong? PipeSize { get; set; }

    public string? TCPCongestion { get; set; }

    public TimeSpan TriggerLimitInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Null means the default: 200 with Accept=yes, 20 otherwise.</summary>
    public uint? TriggerLimitBurst { get; set; }

    public uint EffectiveTriggerLimitBurst => TriggerLimitBurst ?? (Accept ? 200u : 20u);

    /// <summary>PollLimitIntervalSec= (systemd 255+): the window of the per-fd poll limit.</summary>
    public TimeSpan PollLimitInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>PollLimitBurst= (systemd 255+); unset means 150 for Accept=yes and 15 otherwise.</summary>
    public uint? PollLimitBurst { get; set; }

    public uint EffectivePollLimitBurst => PollLimitBurst ?? (Accept ? 150u : 15u);

    /// <summary>[X-Summon] TriggerLimitRecoverSec=: a socket failed by its trigger limit listens again after this long;
    /// null leaves it failed (systemd's behaviour).</summary>
    public TimeSpan? TriggerLimitRecoverSec { get; set; }
    /// <summary>[X-Summon] IdleStopSec=: stop the Accept=no service after this long without a connection; null is off.</summary>
    public TimeSpan? IdleStop { get; set; }

    /// <summary>[X-Summon] IdleStopSignal=: the signal an idle stop sends instead of the service's KillSignal=.</summary>
    public int? IdleStopSignal { get; set; }

    /// <summary>[X-Summon] SandboxFallback= for the socket's control commands; null leaves the manager's --sandbox= in force.</summary>
    public SandboxFallback? SandboxFallback { get; set; }

    /// <summary>TimeoutSec=; null means DefaultTimeoutStartSec (90 s); <see cref="Timeout.InfiniteTimeSpan"/> for infinity.</summary>
    public TimeSpan? Timeout { get; set; }

    public List<ExecCommand> ExecStartPre { get; } = [];

    public List<ExecCommand> ExecStartPost { get; } = [];

    public List<ExecCommand> ExecStopPre { get; } = [];

    public List<ExecCommand> ExecStopPost { get; } = [];

    /// <summary>User=, Group=, Environment= … for the socket's own Exec* commands.</summary>
    public ExecSettings Exec { get; } = new();

    /// <summary>The Exec* lists in systemd's order (StartPre, StartPost, StopPre, StopPost).</summary>
    public IEnumerable<(string Name, List<ExecCommand> Commands)> ExecLists =>
    [
        ("ExecStartPre", ExecStartPre), ("ExecStartPost", ExecStartPost), ("ExecStopPre", ExecStopPre), ("ExecStopPost", ExecStopPost),
    ];
}
