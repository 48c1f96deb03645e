using Summon.Sockets;

namespace Summon.Manager.Reexec;

/// <summary>A socket unit across a re-exec: its state, its listeners as carried fds, its counters and limits.</summary>
internal sealed record SocketReexecRecord
{
    public required UnitReexecRecord Unit { get; init; }

    public required string State { get; init; }

    public required List<ListenerReexecRecord> Listeners { get; init; }

    public uint NAccepted { get; init; }

    public uint NRefused { get; init; }

    public SocketRefusals Refusals { get; init; }

    public uint NIdleStops { get; init; }

    public uint Recoveries { get; init; }

    /// <summary>TriggerLimitRecoverSec=/StartLimitRecoverSec=: the wall-clock time shown and the loop deadline (monotonic microseconds).</summary>
    public DateTimeOffset? RecoverAt { get; init; }

    public long? RecoverDue { get; init; }

    public required RateLimitRecord TriggerLimit { get; init; }

    /// <summary>The connection held at MaxConnections= for a slot, carried, with the end of its grace.</summary>
    public ConnectionReexecRecord? Waiting { get; init; }

    public long? WaitingDue { get; init; }

    public bool LimitGraceSpent { get; init; }

    /// <summary>The resource back-off (accept or spawn out of fds/memory): failures so far and when polling resumes.</summary>
    public uint BackoffFailures { get; init; }

    public long? ResumeDue { get; init; }

    public bool BindWhenServiceEnds { get; init; }

    public string InvocationId { get; init; } = "";
}

/// <summary>One listener: the Listen*= line that made it, the carried fd, the inode of the socket (checked on the way
/// back) and its PollLimit= window.</summary>
internal readonly record struct ListenerReexecRecord(string Setting, string Value, int Fd, ulong Inode, RateLimitRecord PollLimit);

/// <summary>An accepted connection: the carried fd and the identity derived from its peer at accept.</summary>
internal sealed record ConnectionReexecRecord(int Fd, string InstanceSuffix, string? RemoteAddress, int? RemotePort, string SourceKey, string PeerPretty)
{
    public static ConnectionReexecRecord Of(AcceptedConnection connection, CarriedFds fds) =>
        new(fds.Carry(connection.Handle), connection.InstanceSuffix, connection.RemoteAddress, connection.RemotePort, connection.SourceKey, connection.PeerPretty);

    public AcceptedConnection Claim(CarriedFds fds) =>
        AcceptedConnection.Restore(fds.Claim(Fd), InstanceSuffix, RemoteAddress, RemotePort, SourceKey, PeerPretty);
}

/// <summary>A <see cref="RateLimit"/>'s window: when it began (monotonic microseconds) and how many events it counted.</summary>
internal readonly record struct RateLimitRecord(long WindowStart, uint Count);
