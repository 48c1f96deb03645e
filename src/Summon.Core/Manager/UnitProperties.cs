using System.Globalization;
using Summon.Control;
using Summon.Processes;
using Summon.Text;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// A unit's state as systemd's D-Bus properties, in bus order (the type's own interface first, then Unit), each
/// value formatted as `systemctl show` prints it. `show` filters these; `status` and `list-sockets` render them.
/// </summary>
internal static class UnitProperties
{
    /// <param name="wanted">Only these properties (null: all): costly ones not wanted are not computed.</param>
    public static UnitInfo Of(UnitRuntime unit, UnitManager manager, IReadOnlyCollection<string>? wanted = null)
    {
        var info = new UnitInfo { Id = unit.Id };
        var p = info.Properties;
        switch (unit)
        {
            case SocketUnit socket:
                AddSocket(p, socket);
                break;
            case ServiceUnit service:
                AddService(p, service, manager.Launcher, manager);
                ExecAttributeProperties.Add(p, service.Definition.Service!.Exec.Attributes, manager.ExecBuilder.UserMode);
                break;
        }
        AddUnit(p, unit, manager, wanted);
        Conditions.ConditionProperties.Add(p, unit);   // issue 13, conditions
        // Ours, not systemd's: only present when the journal lost lines of this unit, so `show` is unchanged otherwise.
        if (manager.Journal.SuppressedFor(unit.Id) is > 0 and var suppressed)
            Add(p, "LogMessagesSuppressed", suppressed.ToString(CultureInfo.InvariantCulture));
        Keep(p, wanted);
        return info;
    }

    /// <summary>
    /// systemd's CanStart and CanStop: a loaded unit that is no template and does not refuse it may be started or
    /// stopped by hand (Debian's systemctl completion offers `start` and `stop` only such units).
    /// </summary>
    private static void AddManualControl(List<UnitProperty> p, LoadedUnit? definition)
    {
        bool loaded = definition is { LoadState: LoadState.Loaded } && !definition.Name.IsTemplate;
        Add(p, "CanStart", SettingText.YesNo(loaded && !definition!.Unit.RefuseManualStart));
        Add(p, "CanStop", SettingText.YesNo(loaded && !definition!.Unit.RefuseManualStop));
    }

    private static bool Wants(IReadOnlyCollection<string>? wanted, string name) => wanted is null || wanted.Contains(name);

    private static void Keep(List<UnitProperty> p, IReadOnlyCollection<string>? wanted)
    {
        if (wanted is not null)
            p.RemoveAll(property => !wanted.Contains(property.Name));
    }

    /// <summary>Properties of a unit the manager could not load (LoadState=not-found, masked, …).</summary>
    public static UnitInfo NotLoaded(string id, LoadedUnit? definition, UnitManager manager, IReadOnlyCollection<string>? wanted = null)
    {
        var info = new UnitInfo { Id = id };
        var p = info.Properties;
        Add(p, "Id", id);
        Add(p, "Names", id);
        Add(p, "Description", definition?.Description ?? id);
        Add(p, "LoadState", (definition?.LoadState ?? LoadState.NotFound).ToText());
        Add(p, "ActiveState", "inactive");
        Add(p, "SubState", "dead");
        Add(p, "FragmentPath", definition?.FragmentPath ?? "");
        AddManualControl(p, definition);
        if (Wants(wanted, "UnitFileState"))
            Add(p, "UnitFileState", manager.Installer.State(id) ?? "");
        if (definition?.LoadState == LoadState.NotFound || definition is null)
            Add(p, "LoadError", $"org.freedesktop.systemd1.NoSuchUnit \"Unit {id} not found.\"");
        Keep(p, wanted);
        return info;
    }

    private static void AddSocket(List<UnitProperty> p, SocketUnit socket)
    {
        var s = socket.Settings;
        Add(p, "BindIPv6Only", s.BindIPv6Only switch { BindIPv6Only.Both => "both", BindIPv6Only.Ipv6Only => "ipv6-only", _ => "default" });
        Add(p, "Backlog", s.Backlog.ToString(CultureInfo.InvariantCulture));
        Add(p, "SocketMode", SettingText.Octal(s.SocketMode));
        Add(p, "DirectoryMode", SettingText.Octal(s.DirectoryMode));
        Add(p, "Accept", SettingText.YesNo(s.Accept));
        Add(p, "RemoveOnStop", SettingText.YesNo(s.RemoveOnStop));
        foreach (var spec in s.Listen)
            Add(p, "Listen", $"{spec.Value} ({spec.TypeName})");
        Add(p, "MaxConnections", s.MaxConnections.ToString(CultureInfo.InvariantCulture));
        Add(p, "MaxConnectionsPerSource", s.MaxConnectionsPerSource.ToString(CultureInfo.InvariantCulture));
        Add(p, "ReusePort", SettingText.YesNo(s.ReusePort));
        Add(p, "Result", socket.Result);
        Add(p, "NConnections", socket.NConnections.ToString(CultureInfo.InvariantCulture));
        Add(p, "NAccepted", socket.NAccepted.ToString(CultureInfo.InvariantCulture));
        Add(p, "NRefused", socket.NRefused.ToString(CultureInfo.InvariantCulture));
        Add(p, "X-SummonPollLimitPausedUntilTimestamp", Timestamp(socket.PollLimitPausedUntil));
        Add(p, "X-SummonRecoveries", socket.Recoveries.ToString(CultureInfo.InvariantCulture));
        Add(p, "X-SummonRecoverTimestamp", Timestamp(socket.RecoverAt));
        Add(p, "FileDescriptorName", s.FileDescriptorName ?? socket.Id);
        Add(p, "ControlPID", socket.ControlPid.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, commands) in s.ExecLists)
            foreach (var command in commands)
                Add(p, name, ExecCommandProperty(command, socket.RunOf(command)));
        Add(p, "X-SummonIdleStopUSec", s.IdleStop is { } idle ? TimeSpans.Format((ulong)(idle.Ticks / TimeSpan.TicksPerMicrosecond)) : "infinity");
        Add(p, "X-SummonNIdleStops", socket.NIdleStops.ToString(CultureInfo.InvariantCulture));
        AddIdle(p, socket);
        Add(p, "TasksCurrent", "0");
    }

    /// <summary>One command line with its last run, as `systemctl show` prints an exec command property.</summary>
    private static string ExecCommandProperty(ExecCommand command, ExecRun? run) =>
        $"{{ path={command.Path} ; argv[]={string.Join(' ', command.Argv)} ; ignore_errors={SettingText.YesNo(command.Flags.HasFlag(ExecFlags.IgnoreFailure))} ; start_time=[{Timestamp(run?.Started, "n/a")}] ; stop_time=[{Timestamp(run?.Exited, "n/a")}] ; pid={run?.Pid ?? 0} ; code={(run?.Status is { } st ? st.CodeName : "(null)")} ; status={ExecStatusText(run?.Status)} }}";

    /// <summary>systemctl's status= of an exec property: "0/0" before a run, the number for an exit, "15/TERM" for a signal.</summary>
    private static string ExecStatusText(ExitStatus? status) => status switch
    {
        null => "0/0",
        { Code: ExitCode.Exited } exited => exited.Status.ToString(CultureInfo.InvariantCulture),
        { } killed => killed.Status.ToString(CultureInfo.InvariantCulture) + "/" + killed.StatusName,
    };

    private static void AddService(List<UnitProperty> p, ServiceUnit service, IProcessLauncher processes, UnitManager manager)
    {
        var s = service.Definition.Service!;
        Add(p, "Type", SettingText.Kebab(s.Type.ToString()));
        Add(p, "ExitType", SettingText.Kebab(s.ExitType.ToString()));
        Add(p, "Restart", SettingText.Kebab(s.Restart.ToString()));
        Add(p, "NotifyAccess", s.EffectiveNotifyAccess.ToString().ToLowerInvariant());
        Add(p, "RemainAfterExit", SettingText.YesNo(s.RemainAfterExit));
        Add(p, "GuessMainPID", SettingText.YesNo(s.GuessMainPID));
        Add(p, "OOMPolicy", s.OOMPolicy.ToString().ToLowerInvariant());
        Add(p, "Result", service.Result);
        Add(p, "MainPID", service.MainPid.ToString(CultureInfo.InvariantCulture));
        Add(p, "ControlPID", service.ControlPid.ToString(CultureInfo.InvariantCulture));
        Add(p, "StatusText", service.StatusText ?? "");
        if (manager.Units.OfType<SocketUnit>().FirstOrDefault(socket => socket.WatchedService == service && socket.Settings.IdleStop is not null) is { } watcher)
            AddIdle(p, watcher);
        Add(p, "StatusErrno", service.StatusErrno.ToString(CultureInfo.InvariantCulture));
        Add(p, "NRestarts", service.NRestarts.ToString(CultureInfo.InvariantCulture));
        // systemd 254's names for the back-off, X-Summon… for what systemd does not have (issue 15).
        Add(p, "RestartSteps", s.RestartSteps.ToString(CultureInfo.InvariantCulture));
        Add(p, "RestartMaxDelayUSec", Span(s.RestartMaxDelaySec));
        Add(p, "RestartUSecNext", Span(service.RestartDelayNext));
        Add(p, "X-SummonRestartBackoffStep", service.BackoffStep.ToString(CultureInfo.InvariantCulture));
        Add(p, "X-SummonRestartTimestamp", Timestamp(service.NextRestartAt));
        Add(p, "X-SummonStartLimitRecoveries", service.StartLimitRecoveries.ToString(CultureInfo.InvariantCulture));
        Add(p, "X-SummonStartLimitRecoverTimestamp", Timestamp(service.StartLimitRecoverAt));
        Add(p, "ExecMainStartTimestamp", Timestamp(service.ExecMainStartTimestamp));
        Add(p, "ExecMainExitTimestamp", Timestamp(service.ExecMainExitTimestamp));
        Add(p, "ExecMainPID", service.ExecMainPid.ToString(CultureInfo.InvariantCulture));
        var status = service.ExecMainStatus;
        Add(p, "ExecMainCode", status is null ? "0" : ((int)status.Value.Code + 1).ToString(CultureInfo.InvariantCulture));
        Add(p, "ExecMainStatus", status is null ? "0" : status.Value.Status.ToString(CultureInfo.InvariantCulture));
        foreach (var cmd in s.ExecStart)
            Add(p, "ExecStart", $"{{ path={cmd.Path} ; argv[]={string.Join(' ', cmd.Argv)} ; ignore_errors={SettingText.YesNo(cmd.Flags.HasFlag(ExecFlags.IgnoreFailure))} ; start_time=[{Timestamp(service.ExecMainStartTimestamp, "n/a")}] ; stop_time=[{Timestamp(service.ExecMainExitTimestamp, "n/a")}] ; pid={service.ExecMainPid} ; code={(status is null ? "(null)" : status.Value.Code.ToString().ToLowerInvariant())} ; status={(status is null ? "0/0" : status.Value.Status.ToString(CultureInfo.InvariantCulture))} }}");
        Add(p, "StandardInput", SettingText.Kebab(s.StandardInput.ToString()));
        Add(p, "StandardOutput", StandardOutputNames.Name(s.StandardOutput));
        Add(p, "StandardError", StandardOutputNames.Name(s.Exec.StandardErrorShown));
        Directories.DirectoryProperties.Add(p, s.Exec);
        Add(p, "InvocationID", service.InvocationId);
        if (service.ControlGroup is { } cgroup)
            ControlGroups.CgroupProperties.AddUsage(p, cgroup);
        else if (service.MainPid > 0)
            ProcessStats.Add(p, service.MainPid, processes);
        ControlGroups.CgroupProperties.AddSettings(p, s.Resources, service.ControlGroup, manager.Cgroups, manager.UserMode);
    }

    private static void AddUnit(List<UnitProperty> p, UnitRuntime unit, UnitManager manager, IReadOnlyCollection<string>? wanted)
    {
        Add(p, "Id", unit.Id);
        Add(p, "Names", unit.Id == unit.Definition.Name.Name && unit.Definition.Names.Count > 0 ? string.Join(' ', unit.Definition.Names) : unit.Id);
        if (wanted is null || Jobs.DependencyProperties.Names.Any(wanted.Contains))
            foreach (var (name, value) in Jobs.DependencyProperties.Of(unit.Id, manager.Jobs.Graph))
                Add(p, name, value);
        if (unit is SocketUnit socket)
        {
            var triggers = socket.Settings.Accept
                ? string.Join(' ', socket.Instances.Select(i => i.Id))
                : socket.TriggeredName.Name;
            Add(p, "Triggers", triggers);
        }
        if (unit is ServiceUnit service && Wants(wanted, "TriggeredBy"))
        {
            var triggeredBy = service.TriggeringSocket?.Id ?? string.Join(' ', manager.Units.OfType<SocketUnit>().Where(s => !s.Settings.Accept && s.TriggeredName.Name == service.Id).Select(s => s.Id));
            Add(p, "TriggeredBy", triggeredBy);
        }
        Add(p, "Description", unit.Description);
        AddManualControl(p, unit.Definition);
        Add(p, "LoadState", unit.Definition.LoadState.ToText());
        Add(p, "ActiveState", ActiveStateName(unit.ActiveState));
        Add(p, "SubState", unit.SubState);
        Add(p, "FragmentPath", unit.Definition.FragmentPath ?? "");
        Add(p, "DropInPaths", string.Join(' ', unit.Definition.DropInPaths));
        if (Wants(wanted, "UnitFileState") || Wants(wanted, "UnitFilePreset"))
        {
            string state = manager.Installer.State(unit.Definition.Name.Name) ?? "";
            Add(p, "UnitFileState", state);
            Add(p, "UnitFilePreset", state is "enabled" or "disabled" ? "enabled" : "");
        }
        Add(p, "StateChangeTimestamp", Timestamp(unit.StateChangeTimestamp));
        Add(p, "InactiveExitTimestamp", Timestamp(unit.InactiveExitTimestamp));
        Add(p, "ActiveEnterTimestamp", Timestamp(unit.ActiveEnterTimestamp));
        Add(p, "ActiveExitTimestamp", Timestamp(unit.ActiveExitTimestamp));
        Add(p, "InactiveEnterTimestamp", Timestamp(unit.InactiveEnterTimestamp));
        Add(p, "ActiveEnterTimestampRealtime", Micros(unit.ActiveEnterTimestamp));
        Add(p, "InactiveEnterTimestampRealtime", Micros(unit.InactiveEnterTimestamp));
        foreach (var doc in unit.Definition.Unit.Documentation)
            Add(p, "Documentation", doc);
        Jobs.ReactionProperties.Add(p, unit, wanted);
    }

    public static string ActiveStateName(UnitActiveState state) => state switch
    {
        UnitActiveState.Active => "active",
        UnitActiveState.Activating => "activating",
        UnitActiveState.Deactivating => "deactivating",
        UnitActiveState.Failed => "failed",
        UnitActiveState.Reloading => "reloading",
        UnitActiveState.Maintenance => "maintenance",
        _ => "inactive",
    };

    /// <summary>The idle countdown of an IdleStopSec= socket ([X-Summon], docs/extensions.md), also shown on its service.</summary>
    private static void AddIdle(List<UnitProperty> p, SocketUnit socket)
    {
        Add(p, "X-SummonIdleSince", Timestamp(socket.IdleSince));
        Add(p, "X-SummonIdleSinceRealtime", Micros(socket.IdleSince));
        Add(p, "X-SummonIdleStopsAt", Timestamp(socket.IdleStopsAt));
        Add(p, "X-SummonIdleStopsAtRealtime", Micros(socket.IdleStopsAt));
    }

    private static string Timestamp(DateTimeOffset? time, string none = "") => SystemdTimestamp.Format(time, none);

    private static string Span(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan ? "infinity" : Units.TimeSpans.Format((ulong)(span.Ticks / TimeSpan.TicksPerMicrosecond));

    private static string Micros(DateTimeOffset? time) =>
        time is null ? "0" : ((time.Value.ToUnixTimeMilliseconds() * 1000) + (time.Value.Ticks / 10 % 1000)).ToString(CultureInfo.InvariantCulture);

    private static void Add(List<UnitProperty> p, string name, string value) => p.Add(new UnitProperty(name, value));
}
