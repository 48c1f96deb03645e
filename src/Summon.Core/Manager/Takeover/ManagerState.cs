namespace Summon.Manager.Takeover;

/// <summary>
/// What a crashed manager left for its successor (docs/recovery.md): the services that were running with the
/// processes that stand for them, and the sockets with the listeners their services hold. Units that hold nothing
/// (dead, failed, Accept=yes instances) are not in it.
/// </summary>
internal sealed record ManagerState(int ManagerPid, List<ServiceRecord> Services, List<SocketRecord> Sockets)
{
    /// <summary>The format's version: a reader ignores a file of any other.</summary>
    public const int Version = 1;
}

/// <summary>A service with processes: its state, its main and control process (pid and start time), its invocation.</summary>
internal sealed record ServiceRecord(
    string Unit,
    string State,
    string InvocationId,
    ProcessRecord? Main,
    ProcessRecord? Control,
    DateTimeOffset? ExecMainStartTimestamp,
    List<PassedFdRecord> ListenFds);

/// <summary>One process: its pid and its start time in clock ticks since boot (/proc/PID/stat field 22), which defeats pid reuse.</summary>
internal readonly record struct ProcessRecord(int Pid, ulong StartTime);

/// <summary>fd <see cref="Fd"/> of the main process is listener <see cref="Listener"/> (configuration order) of socket <see cref="Socket"/>.</summary>
internal readonly record struct PassedFdRecord(int Fd, string Socket, int Listener);

/// <summary>A started socket unit and its listeners, in configuration order.</summary>
internal sealed record SocketRecord(string Unit, string State, List<ListenerRecord> Listeners);

/// <summary>One listener: the setting that made it ("ListenStream"), its value, and the inode of the open socket.</summary>
internal readonly record struct ListenerRecord(string Setting, string Value, ulong Inode);
