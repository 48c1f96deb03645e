using Summon.Manager.Exec;
using Summon.Manager.Takeover;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>A service taken back after a crash of the manager (docs/recovery.md), and what the state file records of it.</summary>
internal sealed partial class ServiceUnit
{
    private static readonly List<PassedFdRecord> NoPassedFds = [];

    /// <summary>Which fd of the main process holds which listener of which socket: what a successor takes back.</summary>
    internal List<PassedFdRecord> PassedListenFds { get; private set; } = NoPassedFds;

    /// <summary>
    /// The fds the sockets' listeners get in the main process, from fd 3 on in the order they are passed
    /// (<see cref="ServiceExecBuilder"/>). None when a socket is the service's standard input or output: that fd is
    /// not taken back, the socket is bound again once the service is gone.
    /// </summary>
    private List<PassedFdRecord> ListenFdsOf(List<SocketUnit> sockets)
    {
        if (sockets.Count == 0 || StdioPlan.For(Settings, haveSocket: true).UsesSocketStdio)
            return NoPassedFds;
        var fds = new List<PassedFdRecord>();
        int fd = 3;
        foreach (var socket in sockets)
            for (int i = 0; i < socket.Listeners.Count; i++)
                fds.Add(new PassedFdRecord(fd++, socket.Id, i));
        return fds;
    }

    /// <summary>
    /// Takes back the main process a crashed manager left running: the service is running again with its old main
    /// pid and invocation id, nothing is started, and <paramref name="sockets"/> are the sockets whose listeners it
    /// holds (they return to listening when it ends). A process that is not our child is watched through its pidfd:
    /// its exit is seen, its exit status cannot be.
    /// </summary>
    internal void AdoptAfterCrash(IChildProcess main, ServiceRecord record, List<SocketUnit> sockets)
    {
        InvocationId = record.InvocationId;
        ExecMainPid = main.Pid;
        ExecMainStartTimestamp = record.ExecMainStartTimestamp;
        _goneGroup = 0;
        _passedSockets = sockets.Count == 0 ? NoSockets : sockets;
        PassedListenFds = record.ListenFds;
        foreach (var socket in sockets)
            TriggeringSocket ??= socket;
        AdoptMain(main);
        if (!main.IsChild)
            ManagerLog.UnitWarning(Manager.Log, Id, $"Supervising process {main.Pid} which is not our child. Its exit will be noticed, its exit status will not be known.");
        SetState(ServiceState.Running);
        ArmWatchdog();
    }

    /// <summary>A service that had run to completion and remained active (RemainAfterExit=yes): active again, nothing run.</summary>
    internal void RestoreExited(ServiceRecord record)
    {
        InvocationId = record.InvocationId;
        ExecMainStartTimestamp = record.ExecMainStartTimestamp;
        SetState(ServiceState.Exited);
    }
}
