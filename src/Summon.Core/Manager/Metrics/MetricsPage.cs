using Summon.Sockets;

namespace Summon.Manager.Metrics;

/// <summary>
/// The /metrics page: systemd_exporter's families with its names and labels (so its dashboards work unchanged), then
/// Summon's own (summon_*), in the Prometheus text format 0.0.4 or OpenMetrics 1.0. Written straight into the reusable
/// <see cref="ResponseBuffer"/>: a scrape allocates nothing per unit. Accept=yes connection instances are left out of
/// the per-unit families (one series per connection would grow without bound); their socket counts them.
/// docs/metrics.md lists every family.
/// </summary>
internal sealed class MetricsPage(UnitManager manager)
{
    /// <summary>systemd_exporter's states, in its order.</summary>
    private static readonly (Manager.UnitActiveState State, byte[] Name)[] States =
    [
        (UnitActiveState.Active, "active"u8.ToArray()),
        (UnitActiveState.Activating, "activating"u8.ToArray()),
        (UnitActiveState.Deactivating, "deactivating"u8.ToArray()),
        (UnitActiveState.Inactive, "inactive"u8.ToArray()),
        (UnitActiveState.Failed, "failed"u8.ToArray()),
    ];

    private readonly Exposition _w = new();

    public ManagerMetrics Metrics => manager.Metrics;

    public void Write(ResponseBuffer page, bool openMetrics)
    {
        var w = _w;
        w.Begin(page, openMetrics);
        WriteUnitFamilies(w);
        WriteSocketFamilies(w);
        WriteManagerFamilies(w);
        if (openMetrics)
            page.Append("# EOF\n"u8);
    }

    private void WriteUnitFamilies(Exposition w)
    {
        w.Family("systemd_unit_state"u8, "gauge"u8, "Systemd unit"u8);
        foreach (var unit in manager.UnitValues)
        {
            if (Skipped(unit))
                continue;
            var state = unit.ActiveState == UnitActiveState.Reloading ? UnitActiveState.Active : unit.ActiveState;
            foreach (var (s, name) in States)
            {
                w.Sample("systemd_unit_state"u8, unit.Id);
                w.Label("type"u8, TypeOf(unit.Id));
                w.Label("state"u8, name);
                w.Value(s == state ? 1 : 0);
            }
        }

        w.Family("systemd_unit_start_time_seconds"u8, "gauge"u8, "Start time of the unit since unix epoch in seconds."u8);
        foreach (var unit in manager.UnitValues)
        {
            if (Skipped(unit))
                continue;
            w.Sample("systemd_unit_start_time_seconds"u8, unit.Id);
            w.Label("type"u8, TypeOf(unit.Id));
            w.Value(unit.ActiveEnterTimestamp is { } at ? at.ToUnixTimeMilliseconds() / 1000.0 : 0);
        }

        w.Family("systemd_unit_tasks_current"u8, "gauge"u8, "Current number of tasks per Systemd unit"u8);
        foreach (var unit in manager.UnitValues)
            if (!Skipped(unit) && unit is ServiceUnit { ControlGroup: { } cgroup } && cgroup.TasksCounted() is { } tasks)
            {
                w.Sample("systemd_unit_tasks_current"u8, unit.Id);
                w.Value(tasks);
            }

        w.Family("systemd_unit_tasks_max"u8, "gauge"u8, "Maximum number of tasks per Systemd unit"u8);
        if (manager.Cgroups is { } tree)
            foreach (var unit in manager.UnitValues)
                if (!Skipped(unit) && unit is ServiceUnit { ControlGroup: not null } service && tree.TasksMax(service.Settings.Resources) is var max && max != ulong.MaxValue)
                {
                    w.Sample("systemd_unit_tasks_max"u8, unit.Id);
                    w.Value(max);
                }

        w.Family("systemd_service_restart"u8, "counter"u8, "Service unit count of Restart triggers"u8);
        foreach (var unit in manager.UnitValues)
            if (!Skipped(unit) && unit is ServiceUnit service)
            {
                w.Sample("systemd_service_restart"u8, unit.Id);
                w.Value(service.NRestarts);
            }
    }

    private void WriteSocketFamilies(Exposition w)
    {
        w.Family("systemd_socket_accepted_connections"u8, "counter"u8, "Total number of accepted socket connections"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
            {
                w.Sample("systemd_socket_accepted_connections"u8, unit.Id);
                w.Value(socket.NAccepted);
            }

        w.Family("systemd_socket_current_connections"u8, "gauge"u8, "Current number of socket connections"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
            {
                w.Sample("systemd_socket_current_connections"u8, unit.Id);
                w.Value(socket.NConnections);
            }

        w.Family("systemd_socket_refused_connections"u8, "counter"u8, "Total number of refused socket connections"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
            {
                w.Sample("systemd_socket_refused_connections"u8, unit.Id);
                w.Value(socket.NRefused);
            }

        w.Family("summon_socket_refusals"u8, "counter"u8,
            "Connections refused by MaxConnections= and MaxConnectionsPerSource=, trigger-limit hits, PollLimit= pauses"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
            {
                WriteRefusal(w, unit.Id, "max_connections"u8, socket.Refusals.MaxConnections);
                WriteRefusal(w, unit.Id, "per_source"u8, socket.Refusals.PerSource);
                WriteRefusal(w, unit.Id, "trigger_limit"u8, socket.Refusals.TriggerLimit);
                WriteRefusal(w, unit.Id, "poll_limit"u8, socket.Refusals.PollLimit);
            }

        w.Family("summon_socket_accept_queue_depth"u8, "gauge"u8, "Connections waiting in a TCP listener's accept queue"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
                foreach (var listener in socket.Listeners)
                    if (AcceptQueue.TryRead(listener.Socket, out uint depth, out _))
                    {
                        w.Sample("summon_socket_accept_queue_depth"u8, unit.Id);
                        w.Label("listen"u8, listener.Spec.Value);
                        w.Value(depth);
                    }

        w.Family("summon_socket_accept_queue_limit"u8, "gauge"u8, "The accept queue's limit (the listen backlog) of a TCP listener"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit socket)
                foreach (var listener in socket.Listeners)
                    if (AcceptQueue.TryRead(listener.Socket, out _, out uint limit))
                    {
                        w.Sample("summon_socket_accept_queue_limit"u8, unit.Id);
                        w.Label("listen"u8, listener.Spec.Value);
                        w.Value(limit);
                    }

        w.Family("summon_socket_instances_alive"u8, "gauge"u8, "Service instances of an Accept=yes socket not yet collected"u8);
        foreach (var unit in manager.UnitValues)
            if (unit is SocketUnit { Settings.Accept: true } socket)
            {
                w.Sample("summon_socket_instances_alive"u8, unit.Id);
                w.Value(socket.Instances.Count);
            }
    }

    private static void WriteRefusal(Exposition w, string socket, ReadOnlySpan<byte> reason, ulong count)
    {
        w.Sample("summon_socket_refusals"u8, socket);
        w.Label("reason"u8, reason);
        w.Value(count);
    }

    private void WriteManagerFamilies(Exposition w)
    {
        var metrics = manager.Metrics;
        double created = metrics.Started.ToUnixTimeMilliseconds() / 1000.0;
        w.Histogram("summon_activation_latency_seconds"u8,
            "From a connection served (or a socket triggered) to its service active: spawned, or READY=1 for Type=notify"u8, metrics.Activation, created);
        w.Histogram("summon_spawn_latency_seconds"u8, "Building a command's spawn request and starting its process, on the loop"u8, metrics.Spawn, created);

        var journal = JournalFigures.Read(manager.Journal, manager.ConsoleLogStats);
        w.Counter("summon_journal_lines_written"u8, "Journal lines committed to the database"u8, (ulong)journal.Written, created);
        w.Counter("summon_journal_lines_dropped"u8, "Journal lines lost (queue full, failed batch)"u8, (ulong)journal.Dropped, created);
        w.Gauge("summon_journal_writer_lag_lines"u8, "Journal lines queued for the writer thread and not yet taken"u8, journal.Queued);
        w.Counter("summon_console_lines_dropped"u8, "Lines the console copy of the journal dropped because stdout did not keep up"u8, (ulong)journal.ConsoleDropped, created);

        w.Gauge("summon_metrics_scrape_seconds"u8, "Loop time the previous scrape of this page took (writing it and handing it to the socket)"u8, metrics.LastScrape.TotalSeconds);
        if (metrics.Lag is { } lag)
        {
            w.Gauge("summon_loop_lag_seconds"u8, "How late the event loop ran its last lag probe"u8, lag.LastLag.TotalSeconds);
            w.Gauge("summon_loop_lag_max_seconds"u8, "The latest the event loop ran its lag probe since the manager started"u8, lag.MaxLag.TotalSeconds);
        }
    }

    /// <summary>Connection instances: counted by their socket, not one series each.</summary>
    private static bool Skipped(UnitRuntime unit) => unit is ServiceUnit { IsConnectionInstance: true };

    /// <summary>The unit type as systemd_exporter labels it: the name's suffix.</summary>
    private static ReadOnlySpan<char> TypeOf(string id) => id.AsSpan(id.LastIndexOf('.') + 1);
}
