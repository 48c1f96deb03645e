using System.Text.Json;
using Summon.Manager.Jobs;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Reexec;

/// <summary>
/// The units' part of the re-exec state (docs/reexec.md, "Units"): every target, socket and service with what it must
/// keep across execve, then the jobs in flight. The new manager takes the targets and sockets back first (their listeners are the
/// carried fds), then the services (their processes are still its children), then the Accept=yes instances join
/// their sockets, the sockets poll again and the jobs are installed again, all before the boot sequence, which then
/// finds the units active and starts nothing twice.
/// </summary>
internal static class ReexecUnits
{
    /// <summary>Writes the value of the state's "units" property, on the loop, just before execve.</summary>
    public static void Write(Utf8JsonWriter writer, UnitManager manager, CarriedFds fds)
    {
        var units = manager.Units.ToList();
        var targets = units.OfType<TargetUnit>().Select(t => t.ToReexecRecord()).ToList();
        var sockets = units.OfType<SocketUnit>().Select(s => s.ToReexecRecord(fds)).ToList();
        var services = units.OfType<ServiceUnit>().Select(s => s.ToReexecRecord(fds)).ToList();
        var streams = new List<JournalStreamReexecRecord>();
        foreach (var capture in manager.ExecBuilder.Captures.Live())
        {
            capture.FlushLines();
            streams.Add(new JournalStreamReexecRecord(fds.Carry(capture.ReadEnd), capture.Source, capture.Pending.ToArray()));
        }
        var jobs = manager.Jobs.Queued.Select(j => new JobReexecRecord(j.Unit.Id, j.Type.Word(), j.IgnoreOrder, j.Irreversible)).ToList();
        ReexecUnitsCodec.Write(writer, new ReexecUnitRecords(targets, sockets, services, streams, jobs));
    }

    /// <summary>Checks the "units" value without touching anything (--check-deserialize); a FormatException says why.</summary>
    public static void Check(JsonElement units)
    {
        var (targets, sockets, services, streams, _) = ReexecUnitsCodec.Read(units);
        var seen = new HashSet<int>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (int fd in CarriedFdsOf(sockets, services).Concat(streams.Select(s => s.Fd)))
            if (!seen.Add(fd))
                throw new FormatException($"\"units\" names fd {fd} twice");
        foreach (string name in targets.Select(t => t.Unit.Unit).Concat(sockets.Select(s => s.Unit.Unit)).Concat(services.Select(s => s.Unit.Unit)))
            if (!UnitName.TryParse(name, out _) || !names.Add(name))
                throw new FormatException($"\"units\" names unit \"{name}\" twice or is not a unit name");
    }

    /// <summary>
    /// Restores the units in the new manager, on the loop, before the boot sequence. A malformed value throws
    /// FormatException before anything is touched; a unit that cannot be restored is logged in one line and left to
    /// the boot (its carried fds stay unclaimed and are closed by the caller).
    /// </summary>
    public static void Restore(JsonElement units, UnitManager manager, CarriedFds fds)
    {
        var (targets, sockets, services, streams, jobs) = ReexecUnitsCodec.Read(units);
        foreach (var record in targets)
            Guard(manager, record.Unit.Unit, () =>
            {
                if (manager.GetOrLoad(record.Unit.Unit) is not TargetUnit { ActiveState: UnitActiveState.Inactive } target)
                    return "its unit can no longer be loaded as a target";
                target.RestoreAfterReexec(record);
                return null;
            });

        var restoredSockets = new Dictionary<string, SocketUnit>(StringComparer.Ordinal);
        foreach (var record in sockets)
            Guard(manager, record.Unit.Unit, () =>
            {
                if (manager.GetOrLoad(record.Unit.Unit) is not SocketUnit { Definition.LoadState: LoadState.Loaded, ActiveState: UnitActiveState.Inactive } socket)
                    return "its unit can no longer be loaded as a socket";
                if (!socket.RestoreAfterReexec(record, fds, out string why))
                    return why;
                restoredSockets[socket.Id] = socket;
                return null;
            });

        SocketUnit? SocketNamed(string name) => restoredSockets.GetValueOrDefault(name);
        var restoredServices = new List<ServiceUnit>();
        foreach (var record in services)
            Guard(manager, record.Unit.Unit, () =>
            {
                if (Target(manager, record, SocketNamed) is not { } service)
                    return record.ConnectionInstance ? "its socket or template was not restored" : "its unit can no longer be loaded as a service";
                var main = record.Main is { } m ? manager.Launcher.AdoptStartedAt(m.Pid, m.StartTime) : null;
                var control = record.Control is { } c ? manager.Launcher.AdoptStartedAt(c.Pid, c.StartTime) : null;
                service.RestoreAfterReexec(record, main, control, fds, SocketNamed);
                if (record.ConnectionInstance && record.TriggeringSocket is { } trigger && SocketNamed(trigger) is { } socket)
                    socket.AdoptInstance(service);
                restoredServices.Add(service);
                return null;
            });

        foreach (var socket in restoredSockets.Values)
        {
            var service = restoredServices.FirstOrDefault(s => !s.IsConnectionInstance && (s.TriggeringSocket == socket || s.PassedSocketIds.Contains(socket.Id)));
            Guard(manager, socket.Id, () =>
            {
                socket.ResumeAfterReexec(service);
                return null;
            });
        }

        // The pipes of the services' stdout and stderr: reading goes on where it stopped, the partial line first.
        foreach (var stream in streams)
            Guard(manager, stream.Source.Unit ?? "summon", () =>
            {
                OutputCapture.Restore(manager.Loop, manager.Journal, stream.Source, fds.Claim(stream.Fd), stream.Pending, manager.ExecBuilder.Captures);
                return null;
            });

        foreach (var job in jobs)
            Guard(manager, job.Unit, () =>
            {
                if (manager.GetOrLoad(job.Unit) is not { } unit)
                    return $"its {job.Type} job is dropped: the unit can no longer be loaded";
                var type = Enum.GetValues<JobType>().First(t => t.Word() == job.Type);
                _ = manager.Jobs.Enqueue(type, unit, JobMode.Replace, manual: false);
                return null;
            });
    }

    /// <summary>The unit a service record goes to: the loaded unit (inactive, as a new manager has it), or an Accept=yes
    /// instance made again for its restored socket.</summary>
    private static ServiceUnit? Target(UnitManager manager, ServiceReexecRecord record, Func<string, SocketUnit?> socketNamed)
    {
        if (!record.ConnectionInstance)
            return manager.GetOrLoad(record.Unit.Unit) is ServiceUnit { Definition.LoadState: LoadState.Loaded, ActiveState: UnitActiveState.Inactive, CanCollect: true } service
                ? service
                : null;
        if (record.TriggeringSocket is not { } trigger || socketNamed(trigger) is not { } socket || !UnitName.TryParse(record.Unit.Unit, out var name))
            return null;
        var template = manager.LoadDefinition(socket.TriggeredName);
        return template.LoadState == LoadState.Loaded ? manager.RestoreInstance(name, template, record.DescriptionOverride) : null;
    }

    /// <summary>Runs one unit's restore; what fails is one line in the log, and the other units go on.</summary>
    private static void Guard(UnitManager manager, string unit, Func<string?> restore)
    {
        string? why;
        try
        {
            why = restore();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever one unit's restore meets, even a defect of ours, is that unit's: the others are still carried.
            why = e.Message;
        }
        if (why is not null)
            ManagerLog.UnitWarning(manager.Log, unit, $"Not carried across the re-exec: {why}. It is started as at boot, if at all.");
    }

    private static IEnumerable<int> CarriedFdsOf(List<SocketReexecRecord> sockets, List<ServiceReexecRecord> services)
    {
        foreach (var socket in sockets)
        {
            foreach (var listener in socket.Listeners)
                yield return listener.Fd;
            if (socket.Waiting is { } waiting)
                yield return waiting.Fd;
        }
        foreach (var service in services)
        {
            foreach (var stored in service.FdStore)
                yield return stored.Fd;
            if (service.Connection is { } connection)
                yield return connection.Fd;
        }
    }
}
