using System.Text.Json;
using Summon.Journal;
using Summon.Manager.Jobs;
using Summon.Manager.Takeover;
using Summon.Processes;
using Summon.Units.Conditions;

namespace Summon.Manager.Reexec;

/// <summary>
/// The "units" value of the re-exec state (docs/reexec.md, "Units"): one JSON array of target, socket, service,
/// journal stream and job objects, in that order, written with Utf8JsonWriter and read from a JsonElement (no reflection). Timestamps are
/// microseconds since the epoch; deadlines ("…DueUsec") microseconds on CLOCK_MONOTONIC.
/// </summary>
internal static class ReexecUnitsCodec
{
    public static void Write(Utf8JsonWriter w, ReexecUnitRecords records)
    {
        var (targets, sockets, services, streams, jobs) = records;
        w.WriteStartArray();
        foreach (var target in targets)
        {
            w.WriteStartObject();
            WriteUnit(w, "target", target.Unit);
            w.WriteBoolean("active", target.Active);
            w.WriteEndObject();
        }
        foreach (var socket in sockets)
            WriteSocket(w, socket);
        foreach (var service in services)
            WriteService(w, service);
        foreach (var stream in streams)
        {
            var source = stream.Source;
            w.WriteStartObject();
            w.WriteString("kind", "stream");
            w.WriteNumber("fd", stream.Fd);
            if (source.Unit is { } unit)
                w.WriteString("unit", unit);
            w.WriteString("identifier", source.Identifier);
            w.WriteNumber("pid", source.Pid);
            w.WriteNumber("priority", source.Priority);
            w.WriteBoolean("levelPrefix", source.LevelPrefix);
            w.WriteNumber("maxPriority", source.MaxPriority);
            if (source.Fields is { } fields)
                w.WriteString("fields", fields);
            w.WriteBase64String("pending", stream.Pending);
            w.WriteEndObject();
        }
        foreach (var job in jobs)
        {
            w.WriteStartObject();
            w.WriteString("kind", "job");
            w.WriteString("unit", job.Unit);
            w.WriteString("type", job.Type);
            w.WriteBoolean("ignoreOrder", job.IgnoreOrder);
            w.WriteBoolean("irreversible", job.Irreversible);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Reads every record; a FormatException names the element and what is wrong with it.</summary>
    public static ReexecUnitRecords Read(JsonElement units)
    {
        if (units.ValueKind != JsonValueKind.Array)
            throw new FormatException("\"units\" is not an array");
        var targets = new List<TargetReexecRecord>();
        var sockets = new List<SocketReexecRecord>();
        var services = new List<ServiceReexecRecord>();
        var streams = new List<JournalStreamReexecRecord>();
        var jobs = new List<JobReexecRecord>();
        int i = 0;
        foreach (var element in units.EnumerateArray())
        {
            var e = new Fields(element, $"units[{i++}]");
            switch (e.String("kind"))
            {
                case "target":
                    targets.Add(new TargetReexecRecord(ReadUnit(e), e.Bool("active")));
                    break;
                case "socket":
                    sockets.Add(ReadSocket(e));
                    break;
                case "service":
                    services.Add(ReadService(e));
                    break;
                case "stream":
                    var source = new JournalStreamSource(e.OptionalString("unit"), e.String("identifier"), e.Int("pid"), e.Int("priority"), e.Bool("levelPrefix"),
                        e.Int("maxPriority"), e.OptionalString("fields"));
                    streams.Add(new JournalStreamReexecRecord(e.Fd("fd"), source, e.Bytes("pending")));
                    break;
                case "job":
                    var job = new JobReexecRecord(e.String("unit"), e.String("type"), e.Bool("ignoreOrder"), e.Bool("irreversible"));
                    if (!Enum.GetValues<JobType>().Any(t => t.Word() == job.Type))
                        throw e.Bad("type", $"\"{job.Type}\" is not a job type");
                    jobs.Add(job);
                    break;
                case var kind:
                    throw e.Bad("kind", $"\"{kind}\" is not target, socket, service, stream or job");
            }
        }
        return new ReexecUnitRecords(targets, sockets, services, streams, jobs);
    }

    private static void WriteUnit(Utf8JsonWriter w, string kind, UnitReexecRecord u)
    {
        w.WriteString("kind", kind);
        w.WriteString("unit", u.Unit);
        w.WriteString("result", u.Result);
        WriteTime(w, "stateChangeUsec", u.StateChange);
        WriteTime(w, "activeEnterUsec", u.ActiveEnter);
        WriteTime(w, "activeExitUsec", u.ActiveExit);
        WriteTime(w, "inactiveEnterUsec", u.InactiveEnter);
        WriteTime(w, "inactiveExitUsec", u.InactiveExit);
        if (u.Checks is { } c)
        {
            w.WriteStartObject("checks");
            w.WriteBoolean("conditionResult", c.ConditionResult);
            WriteTime(w, "conditionUsec", c.ConditionTimestamp);
            w.WriteBoolean("assertResult", c.AssertResult);
            WriteTime(w, "assertUsec", c.AssertTimestamp);
            WriteOutcomes(w, "conditions", c.ConditionOutcomes);
            WriteOutcomes(w, "asserts", c.AssertOutcomes);
            w.WriteEndObject();
        }
    }

    private static UnitReexecRecord ReadUnit(Fields e) => new(
        e.String("unit"), e.String("result"), e.Time("stateChangeUsec"), e.Time("activeEnterUsec"), e.Time("activeExitUsec"),
        e.Time("inactiveEnterUsec"), e.Time("inactiveExitUsec"), e.OptionalObject("checks") is { } c ? ReadChecks(c) : null);

    private static StartChecksRecord ReadChecks(Fields c) => new(
        c.Bool("conditionResult"), c.Time("conditionUsec"), c.Bool("assertResult"), c.Time("assertUsec"), c.Outcomes("conditions"), c.Outcomes("asserts"));

    private static void WriteOutcomes(Utf8JsonWriter w, string name, ConditionOutcome[] outcomes)
    {
        w.WriteStartArray(name);
        foreach (var outcome in outcomes)
            w.WriteStringValue(outcome.Name());
        w.WriteEndArray();
    }

    private static void WriteSocket(Utf8JsonWriter w, SocketReexecRecord s)
    {
        w.WriteStartObject();
        WriteUnit(w, "socket", s.Unit);
        w.WriteString("state", s.State);
        w.WriteStartArray("listeners");
        foreach (var l in s.Listeners)
        {
            w.WriteStartObject();
            w.WriteString("setting", l.Setting);
            w.WriteString("value", l.Value);
            w.WriteNumber("fd", l.Fd);
            w.WriteNumber("inode", l.Inode);
            WriteLimit(w, "pollLimit", l.PollLimit);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("nAccepted", s.NAccepted);
        w.WriteNumber("nRefused", s.NRefused);
        w.WriteNumber("refusedMaxConnections", s.Refusals.MaxConnections);
        w.WriteNumber("refusedPerSource", s.Refusals.PerSource);
        w.WriteNumber("refusedTriggerLimit", s.Refusals.TriggerLimit);
        w.WriteNumber("pausedPollLimit", s.Refusals.PollLimit);
        w.WriteNumber("nIdleStops", s.NIdleStops);
        w.WriteNumber("recoveries", s.Recoveries);
        WriteTime(w, "recoverAtUsec", s.RecoverAt);
        WriteDue(w, "recoverDueUsec", s.RecoverDue);
        WriteLimit(w, "triggerLimit", s.TriggerLimit);
        if (s.Waiting is { } waiting)
            WriteConnection(w, "waiting", waiting);
        WriteDue(w, "waitingDueUsec", s.WaitingDue);
        w.WriteBoolean("limitGraceSpent", s.LimitGraceSpent);
        w.WriteNumber("backoffFailures", s.BackoffFailures);
        WriteDue(w, "resumeDueUsec", s.ResumeDue);
        w.WriteBoolean("bindWhenServiceEnds", s.BindWhenServiceEnds);
        w.WriteString("invocationId", s.InvocationId);
        w.WriteEndObject();
    }

    private static SocketReexecRecord ReadSocket(Fields e)
    {
        string state = e.String("state");
        if (!Enum.GetValues<SocketState>().Any(s => s.Name() == state))
            throw e.Bad("state", $"\"{state}\" is not a socket state");
        return new SocketReexecRecord
        {
            Unit = ReadUnit(e),
            State = state,
            Listeners = [.. e.Array("listeners").Select(l => new ListenerReexecRecord(l.String("setting"), l.String("value"), l.Fd("fd"), l.ULong("inode"), ReadLimit(l.Object("pollLimit"))))],
            NAccepted = e.UInt("nAccepted"),
            NRefused = e.UInt("nRefused"),
            Refusals = new SocketRefusals
            {
                MaxConnections = e.ULong("refusedMaxConnections"),
                PerSource = e.ULong("refusedPerSource"),
                TriggerLimit = e.ULong("refusedTriggerLimit"),
                PollLimit = e.ULong("pausedPollLimit"),
            },
            NIdleStops = e.UInt("nIdleStops"),
            Recoveries = e.UInt("recoveries"),
            RecoverAt = e.Time("recoverAtUsec"),
            RecoverDue = e.OptionalLong("recoverDueUsec"),
            TriggerLimit = ReadLimit(e.Object("triggerLimit")),
            Waiting = e.OptionalObject("waiting") is { } waiting ? ReadConnection(waiting) : null,
            WaitingDue = e.OptionalLong("waitingDueUsec"),
            LimitGraceSpent = e.Bool("limitGraceSpent"),
            BackoffFailures = e.UInt("backoffFailures"),
            ResumeDue = e.OptionalLong("resumeDueUsec"),
            BindWhenServiceEnds = e.Bool("bindWhenServiceEnds"),
            InvocationId = e.String("invocationId"),
        };
    }

    private static void WriteService(Utf8JsonWriter w, ServiceReexecRecord s)
    {
        w.WriteStartObject();
        WriteUnit(w, "service", s.Unit);
        w.WriteString("state", s.State);
        WriteProcess(w, "main", s.Main);
        WriteProcess(w, "control", s.Control);
        w.WriteNumber("mainCommand", s.MainCommand);
        w.WriteBoolean("mainCommands", s.MainCommands);
        w.WriteNumber("nextMain", s.NextMain);
        w.WriteBoolean("controlCommands", s.ControlCommands);
        w.WriteNumber("nextControl", s.NextControl);
        if (s.ControlCommandSetting is { } setting)
            w.WriteString("controlCommandSetting", setting);
        w.WriteNumber("controlCommandIndex", s.ControlCommandIndex);
        w.WriteBoolean("awaitingCredentials", s.AwaitingCredentials);
        w.WriteNumber("execMainPid", s.ExecMainPid);
        if (s.ExecMainStatus is { } status)
        {
            w.WriteStartObject("execMainStatus");
            w.WriteNumber("code", (int)status.Code);
            w.WriteNumber("status", status.Status);
            w.WriteEndObject();
        }
        WriteTime(w, "execMainStartUsec", s.ExecMainStart);
        WriteTime(w, "execMainExitUsec", s.ExecMainExit);
        w.WriteString("invocationId", s.InvocationId);
        w.WriteNumber("nRestarts", s.NRestarts);
        w.WriteNumber("backoffStep", s.BackoffStep);
        w.WriteNumber("startLimitRecoveries", s.StartLimitRecoveries);
        WriteLimit(w, "startLimit", s.StartLimit);
        if (s.StatusText is { } text)
            w.WriteString("statusText", text);
        w.WriteNumber("statusErrno", s.StatusErrno);
        WriteDue(w, "timeoutDueUsec", s.TimeoutDue);
        w.WriteBoolean("timeoutApplies", s.TimeoutApplies);
        WriteDue(w, "restartDueUsec", s.RestartDue);
        WriteTime(w, "nextRestartAtUsec", s.NextRestartAt);
        WriteDue(w, "watchdogDueUsec", s.WatchdogDue);
        if (s.WatchdogOverride is { } over)
            w.WriteNumber("watchdogOverrideUsec", over.Ticks / TimeSpan.TicksPerMicrosecond);
        WriteTime(w, "watchdogExpiredAtUsec", s.WatchdogExpiredAt);
        WriteDue(w, "healthyDueUsec", s.HealthyDue);
        WriteDue(w, "recoverDueUsec", s.RecoverDue);
        WriteTime(w, "startLimitRecoverAtUsec", s.StartLimitRecoverAt);
        w.WriteBoolean("stopRequested", s.StopRequested);
        w.WriteBoolean("startAfterStop", s.StartAfterStop);
        w.WriteBoolean("startJobPending", s.StartJobPending);
        w.WriteBoolean("mainKnown", s.MainKnown);
        w.WriteBoolean("restartRequested", s.RestartRequested);
        w.WriteBoolean("notifyReloading", s.NotifyReloading);
        w.WriteString("reloadResult", s.ReloadResult);
        if (s.IdleStopSignal is { } signal)
            w.WriteNumber("idleStopSignal", signal);
        w.WriteBoolean("frozen", s.Frozen);
        w.WriteBoolean("cgroupWarned", s.CgroupWarned);
        if (s.Cgroup is { } cgroup)
            w.WriteString("cgroup", cgroup);
        w.WriteStartArray("fdStore");
        foreach (var fd in s.FdStore)
        {
            w.WriteStartObject();
            w.WriteNumber("fd", fd.Fd);
            w.WriteString("name", fd.Name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("passedSockets");
        foreach (var socket in s.PassedSockets)
            w.WriteStringValue(socket);
        w.WriteEndArray();
        ManagerStateCodec.WriteListenFds(w, s.PassedListenFds);
        if (s.TriggeringSocket is { } trigger)
            w.WriteString("triggeringSocket", trigger);
        w.WriteBoolean("connectionInstance", s.ConnectionInstance);
        if (s.ConnectionSource is { } source)
            w.WriteString("connectionSource", source);
        if (s.DescriptionOverride is { } description)
            w.WriteString("description", description);
        if (s.Connection is { } connection)
            WriteConnection(w, "connection", connection);
        w.WriteEndObject();
    }

    private static ServiceReexecRecord ReadService(Fields e)
    {
        string state = e.String("state");
        if (!Enum.GetValues<ServiceState>().Any(s => s.Name() == state))
            throw e.Bad("state", $"\"{state}\" is not a service state");
        return new ServiceReexecRecord
        {
            Unit = ReadUnit(e),
            State = state,
            Main = ReadProcess(e.OptionalObject("main")),
            Control = ReadProcess(e.OptionalObject("control")),
            MainCommand = e.Int("mainCommand"),
            MainCommands = e.Bool("mainCommands"),
            NextMain = e.Int("nextMain"),
            ControlCommands = e.Bool("controlCommands"),
            NextControl = e.Int("nextControl"),
            ControlCommandSetting = e.OptionalString("controlCommandSetting"),
            ControlCommandIndex = e.Int("controlCommandIndex"),
            AwaitingCredentials = e.Bool("awaitingCredentials"),
            ExecMainPid = e.Int("execMainPid"),
            ExecMainStatus = e.OptionalObject("execMainStatus") is { } status
                ? new ExitStatus((ExitCode)status.Int("code"), status.Int("status"))
                : null,
            ExecMainStart = e.Time("execMainStartUsec"),
            ExecMainExit = e.Time("execMainExitUsec"),
            InvocationId = e.String("invocationId"),
            NRestarts = e.UInt("nRestarts"),
            BackoffStep = e.UInt("backoffStep"),
            StartLimitRecoveries = e.UInt("startLimitRecoveries"),
            StartLimit = ReadLimit(e.Object("startLimit")),
            StatusText = e.OptionalString("statusText"),
            StatusErrno = e.Int("statusErrno"),
            TimeoutDue = e.OptionalLong("timeoutDueUsec"),
            TimeoutApplies = e.Bool("timeoutApplies"),
            RestartDue = e.OptionalLong("restartDueUsec"),
            NextRestartAt = e.Time("nextRestartAtUsec"),
            WatchdogDue = e.OptionalLong("watchdogDueUsec"),
            WatchdogOverride = e.OptionalLong("watchdogOverrideUsec") is { } over ? TimeSpan.FromTicks(over * TimeSpan.TicksPerMicrosecond) : null,
            WatchdogExpiredAt = e.Time("watchdogExpiredAtUsec"),
            HealthyDue = e.OptionalLong("healthyDueUsec"),
            RecoverDue = e.OptionalLong("recoverDueUsec"),
            StartLimitRecoverAt = e.Time("startLimitRecoverAtUsec"),
            StopRequested = e.Bool("stopRequested"),
            StartAfterStop = e.Bool("startAfterStop"),
            StartJobPending = e.Bool("startJobPending"),
            MainKnown = e.Bool("mainKnown"),
            RestartRequested = e.Bool("restartRequested"),
            NotifyReloading = e.Bool("notifyReloading"),
            ReloadResult = e.String("reloadResult"),
            IdleStopSignal = e.OptionalLong("idleStopSignal") is { } signal ? (int)signal : null,
            Frozen = e.Bool("frozen"),
            CgroupWarned = e.Bool("cgroupWarned"),
            Cgroup = e.OptionalString("cgroup"),
            FdStore = [.. e.Array("fdStore").Select(f => new StoredFdReexecRecord(f.Fd("fd"), f.String("name")))],
            PassedSockets = [.. e.Strings("passedSockets")],
            PassedListenFds = [.. e.Array("listenFds").Select(f => new PassedFdRecord(f.Int("fd"), f.String("socket"), f.Int("listener")))],
            TriggeringSocket = e.OptionalString("triggeringSocket"),
            ConnectionInstance = e.Bool("connectionInstance"),
            ConnectionSource = e.OptionalString("connectionSource"),
            DescriptionOverride = e.OptionalString("description"),
            Connection = e.OptionalObject("connection") is { } connection ? ReadConnection(connection) : null,
        };
    }

    private static void WriteProcess(Utf8JsonWriter w, string name, ProcessRecord? process)
    {
        if (process is not { } p)
            return;
        w.WriteStartObject(name);
        w.WriteNumber("pid", p.Pid);
        w.WriteNumber("startTime", p.StartTime);
        w.WriteEndObject();
    }

    private static ProcessRecord? ReadProcess(Fields? e) => e is { } p ? new ProcessRecord(p.Int("pid"), p.ULong("startTime")) : null;

    private static void WriteConnection(Utf8JsonWriter w, string name, ConnectionReexecRecord c)
    {
        w.WriteStartObject(name);
        w.WriteNumber("fd", c.Fd);
        w.WriteString("instanceSuffix", c.InstanceSuffix);
        if (c.RemoteAddress is { } address)
            w.WriteString("remoteAddress", address);
        if (c.RemotePort is { } port)
            w.WriteNumber("remotePort", port);
        w.WriteString("sourceKey", c.SourceKey);
        w.WriteString("peer", c.PeerPretty);
        w.WriteEndObject();
    }

    private static ConnectionReexecRecord ReadConnection(Fields e) => new(
        e.Fd("fd"), e.String("instanceSuffix"), e.OptionalString("remoteAddress"),
        e.OptionalLong("remotePort") is { } port ? (int)port : null, e.String("sourceKey"), e.String("peer"));

    private static void WriteLimit(Utf8JsonWriter w, string name, RateLimitRecord limit)
    {
        w.WriteStartObject(name);
        w.WriteNumber("windowStartUsec", limit.WindowStart);
        w.WriteNumber("count", limit.Count);
        w.WriteEndObject();
    }

    private static RateLimitRecord ReadLimit(Fields e) => new(e.Long("windowStartUsec"), e.UInt("count"));

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
            w.WriteNumber(name, EpochMicroseconds.From(t));
    }

    private static void WriteDue(Utf8JsonWriter w, string name, long? due)
    {
        if (due is { } d)
            w.WriteNumber(name, d);
    }

    /// <summary>One JSON object and where it is, for errors that say which field of which element is wrong.</summary>
    private readonly struct Fields(JsonElement element, string where)
    {
        /// <summary>The last microsecond a DateTimeOffset holds (the end of year 9999).</summary>
        private static readonly long MaxMicroseconds = (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

        public FormatException Bad(string name, string what) => new($"{where}.{name}: {what}");

        private JsonElement? Get(string name, JsonValueKind kind)
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{where} is not an object");
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            bool ok = kind == JsonValueKind.True ? value.ValueKind is JsonValueKind.True or JsonValueKind.False : value.ValueKind == kind;
            if (!ok)
                throw Bad(name, $"is {value.ValueKind}, not {(kind == JsonValueKind.True ? "a boolean" : kind.ToString())}");
            return value;
        }

        private JsonElement Required(string name, JsonValueKind kind) => Get(name, kind) ?? throw Bad(name, "is missing");

        public string String(string name) => Required(name, JsonValueKind.String).GetString()!;

        public string? OptionalString(string name) => Get(name, JsonValueKind.String)?.GetString();

        public bool Bool(string name) => Required(name, JsonValueKind.True).GetBoolean();

        public long Long(string name) => Number(name, Required(name, JsonValueKind.Number), long.MinValue, long.MaxValue);

        public long? OptionalLong(string name) => Get(name, JsonValueKind.Number) is { } v ? Number(name, v, long.MinValue, long.MaxValue) : null;

        public int Int(string name) => (int)Number(name, Required(name, JsonValueKind.Number), int.MinValue, int.MaxValue);

        public uint UInt(string name) => (uint)Number(name, Required(name, JsonValueKind.Number), 0, uint.MaxValue);

        /// <summary>An fd number a re-exec carried: above the standard streams.</summary>
        public int Fd(string name) => (int)Number(name, Required(name, JsonValueKind.Number), 3, int.MaxValue);

        public ulong ULong(string name) =>
            Required(name, JsonValueKind.Number).TryGetUInt64(out ulong v) ? v : throw Bad(name, "is not a whole number of 0 or more");

        public DateTimeOffset? Time(string name) => Get(name, JsonValueKind.Number) is { } v
            ? EpochMicroseconds.To(Number(name, v, 0, MaxMicroseconds))
            : null;

        public Fields Object(string name) => new(Required(name, JsonValueKind.Object), $"{where}.{name}");

        public Fields? OptionalObject(string name) => Get(name, JsonValueKind.Object) is { } o ? new Fields(o, $"{where}.{name}") : null;

        public IEnumerable<Fields> Array(string name)
        {
            var array = Required(name, JsonValueKind.Array);
            string at = where;
            return array.EnumerateArray().Select((item, i) => new Fields(item, $"{at}.{name}[{i}]")).ToList();
        }

        public ConditionOutcome[] Outcomes(string name)
        {
            var names = Strings(name);
            var outcomes = new ConditionOutcome[names.Count];
            for (int i = 0; i < names.Count; i++)
            {
                string text = names[i];
                outcomes[i] = Enum.GetValues<ConditionOutcome>().Any(o => o.Name() == text)
                    ? Enum.GetValues<ConditionOutcome>().First(o => o.Name() == text)
                    : throw Bad($"{name}[{i}]", $"\"{text}\" is not a condition outcome");
            }
            return outcomes;
        }

        public byte[] Bytes(string name) =>
            Required(name, JsonValueKind.String).TryGetBytesFromBase64(out var bytes) ? bytes : throw Bad(name, "is not base64");

        public List<string> Strings(string name)
        {
            var strings = new List<string>();
            foreach (var item in Required(name, JsonValueKind.Array).EnumerateArray())
                strings.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Bad($"{name}[{strings.Count}]", "is not a string"));
            return strings;
        }

        private long Number(string name, JsonElement value, long min, long max) =>
            value.TryGetInt64(out long v) && v >= min && v <= max ? v : throw Bad(name, $"is not a whole number from {min} to {max}");
    }
}
