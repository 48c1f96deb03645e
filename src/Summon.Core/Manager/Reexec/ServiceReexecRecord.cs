using Summon.Manager.Takeover;
using Summon.Processes;

namespace Summon.Manager.Reexec;

/// <summary>
/// A service unit across a re-exec: its state and result, its processes (still our children after execve) with the
/// command each runs, its invocation, counters and back-off, the pending timers as monotonic deadlines
/// (microseconds), its STATUS=, its fd store and the sockets it was handed.
/// </summary>
internal sealed record ServiceReexecRecord
{
    public required UnitReexecRecord Unit { get; init; }

    public required string State { get; init; }

    public ProcessRecord? Main { get; init; }

    public ProcessRecord? Control { get; init; }

    /// <summary>The ExecStart= line the main process runs (index), -1 when none; with Type=oneshot, the next line to run.</summary>
    public int MainCommand { get; init; } = -1;

    public int NextMain { get; init; }

    /// <summary>True while the control commands of the state are running; <see cref="NextControl"/> is the next line of the state's list.</summary>
    public bool ControlCommands { get; init; }

    public int NextControl { get; init; }

    /// <summary>A command of the state waits for the User=/Group= lookup: it is asked again in the new manager.</summary>
    public bool AwaitingCredentials { get; init; }

    public int ExecMainPid { get; init; }

    public ExitStatus? ExecMainStatus { get; init; }

    public DateTimeOffset? ExecMainStart { get; init; }

    public DateTimeOffset? ExecMainExit { get; init; }

    public required string InvocationId { get; init; }

    public uint NRestarts { get; init; }

    public uint BackoffStep { get; init; }

    public uint StartLimitRecoveries { get; init; }

    public required RateLimitRecord StartLimit { get; init; }

    public string? StatusText { get; init; }

    public int StatusErrno { get; init; }

    public long? TimeoutDue { get; init; }

    public bool TimeoutApplies { get; init; }

    public long? RestartDue { get; init; }

    public DateTimeOffset? NextRestartAt { get; init; }

    public long? WatchdogDue { get; init; }

    public TimeSpan? WatchdogOverride { get; init; }

    public DateTimeOffset? WatchdogExpiredAt { get; init; }

    public long? HealthyDue { get; init; }

    public long? RecoverDue { get; init; }

    public DateTimeOffset? StartLimitRecoverAt { get; init; }

    public bool StopRequested { get; init; }

    public bool StartAfterStop { get; init; }

    public bool StartJobPending { get; init; }

    public bool MainKnown { get; init; }

    public bool RestartRequested { get; init; }

    public bool NotifyReloading { get; init; }

    public string ReloadResult { get; init; } = "success";

    public int? IdleStopSignal { get; init; }

    /// <summary>Held by SIGSTOP for an idle look, which the re-exec ends: it is thawed in the new manager.</summary>
    public bool Frozen { get; init; }

    /// <summary>Type=oneshot in start: the ExecStart= lines are being run one after another.</summary>
    public bool MainCommands { get; init; }

    /// <summary>The control process's command: the setting (ExecStop, …) and the line of it.</summary>
    public string? ControlCommandSetting { get; init; }

    public int ControlCommandIndex { get; init; } = -1;

    public bool CgroupWarned { get; init; }

    /// <summary>The cgroup directory, null when process groups stand in.</summary>
    public string? Cgroup { get; init; }

    public required List<StoredFdReexecRecord> FdStore { get; init; }

    /// <summary>The Accept=no sockets whose listeners the main process was given, and at which fds.</summary>
    public required List<string> PassedSockets { get; init; }

    public required List<PassedFdRecord> PassedListenFds { get; init; }

    public string? TriggeringSocket { get; init; }

    /// <summary>An Accept=yes instance: its peer as shown in its description, and what MaxConnectionsPerSource= counts.</summary>
    public bool ConnectionInstance { get; init; }

    public string? ConnectionSource { get; init; }

    public string? DescriptionOverride { get; init; }

    /// <summary>The connection not yet handed to the instance's process (carried), null once it has it.</summary>
    public ConnectionReexecRecord? Connection { get; init; }
}

/// <summary>One fd of the fd store (FDSTORE=1): the carried fd and its FDNAME=.</summary>
internal readonly record struct StoredFdReexecRecord(int Fd, string Name);
