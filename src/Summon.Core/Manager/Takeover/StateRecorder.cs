namespace Summon.Manager.Takeover;

/// <summary>
/// Keeps the state file current from the event loop: a state change only marks it stale, and one snapshot per turn
/// of the loop goes to the <see cref="StateFileWriter"/>. Per-connection instances never mark it (they are not
/// recorded), so Accept=yes traffic costs nothing here. A snapshot walks the units in memory; the one thing it reads
/// from /proc, a process's start time, is read once per process and remembered.
/// </summary>
internal sealed class StateRecorder(UnitManager manager, IEnumerable<UnitRuntime> units, StateFileWriter writer)
{
    private readonly Dictionary<int, ulong> _startTimes = [];
    private bool _recording;
    private bool _queued;

    /// <summary>From now on every state change is recorded; writes the first snapshot.</summary>
    public void Start()
    {
        _recording = true;
        MarkStale();
    }

    /// <summary>Nothing more is recorded, and the file goes (a clean stop leaves nothing to take over).</summary>
    public void Stop()
    {
        _recording = false;
        writer.Remove();
    }

    public void MarkStale()
    {
        if (!_recording || _queued)
            return;
        _queued = true;
        manager.Loop.Post(WriteSnapshot);
    }

    private void WriteSnapshot()
    {
        _queued = false;
        if (_recording)
            writer.Write(ManagerStateCodec.Write(Snapshot()));
    }

    internal ManagerState Snapshot()
    {
        var services = new List<ServiceRecord>();
        var sockets = new List<SocketRecord>();
        var live = new HashSet<int>();
        foreach (var unit in units)
        {
            if (unit is ServiceUnit { IsConnectionInstance: false } service
                && (service.MainPid != 0 || service.ControlPid != 0 || service.State == ServiceState.Exited))
            {
                services.Add(new ServiceRecord(service.Id, service.SubState, service.InvocationId, Process(service.MainPid, live),
                    Process(service.ControlPid, live), service.ExecMainStartTimestamp, service.PassedListenFds));
            }
            else if (unit is SocketUnit { State: SocketState.Listening or SocketState.Running } socket)
            {
                sockets.Add(new SocketRecord(socket.Id, socket.SubState,
                    [.. socket.Listeners.Select(l => new ListenerRecord(l.Spec.SettingName, l.Spec.Value, l.Socket.Inode))]));
            }
        }
        foreach (int pid in _startTimes.Keys.Where(p => !live.Contains(p)).ToList())
            _startTimes.Remove(pid);
        return new ManagerState(Environment.ProcessId, services, sockets);
    }

    private ProcessRecord? Process(int pid, HashSet<int> live)
    {
        if (pid == 0)
            return null;
        live.Add(pid);
        if (!_startTimes.TryGetValue(pid, out ulong startTime))
            _startTimes[pid] = startTime = manager.Launcher.StartTimeOf(pid);
        return new ProcessRecord(pid, startTime);
    }
}
