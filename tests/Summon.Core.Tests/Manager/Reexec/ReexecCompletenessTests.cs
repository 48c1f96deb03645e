using System.Reflection;
using Summon.Manager;
using Summon.Manager.Conditions;
using Summon.Manager.Jobs;
using Summon.Manager.Reexec;
using Summon.Sockets;

#pragma warning disable IL2070, IL2075 // reflection over the manager's own types, in a test that never runs trimmed

namespace Summon.Core.Tests.Manager.Reexec;

/// <summary>
/// Issue 17, item 4: a field added to a unit (or to what a unit holds) without a decision about the re-exec fails
/// here. Every instance field of each type is either carried — named by the member of the record that carries it,
/// which must exist — or listed as not carried with the reason, in one sentence.
/// </summary>
public sealed class ReexecCompletenessTests
{
    private sealed record Fate(string? Member, string? Why);

    private static Fate Carried(string member) => new(member, null);

    private static Fate NotCarried(string why) => new(null, why);

    private const string Token = "a registration with the old loop: the new loop registers the fd again";
    private const string Waiters = "control clients waiting on a job: their connection closes at execve, the job itself is carried (JobReexecRecord)";
    private const string Definition = "read again from the unit files by the new manager";
    private const string Manager = "the new manager's own";
    private const string Handler = "a delegate made once per listener, made again";

    private static readonly (Type Type, Type Record, Dictionary<string, Fate> Fields)[] Types =
    [
        (typeof(UnitRuntime), typeof(UnitReexecRecord), new()
        {
            ["Id"] = Carried("Unit"),
            ["Definition"] = NotCarried(Definition),
            ["Result"] = Carried("Result"),
            ["StateChangeTimestamp"] = Carried("StateChange"),
            ["ActiveEnterTimestamp"] = Carried("ActiveEnter"),
            ["ActiveExitTimestamp"] = Carried("ActiveExit"),
            ["InactiveEnterTimestamp"] = Carried("InactiveEnter"),
            ["InactiveExitTimestamp"] = Carried("InactiveExit"),
            ["Manager"] = NotCarried(Manager),
            ["_checks"] = Carried("Checks"),
            ["_startWaiters"] = NotCarried(Waiters),
            ["_stopWaiters"] = NotCarried(Waiters),
            ["_startWatchers"] = NotCarried("the job engine's watches, made again when its jobs are installed again"),
            ["_stopWatchers"] = NotCarried("the job engine's watches, made again when its jobs are installed again"),
        }),
        (typeof(ServiceUnit), typeof(ServiceReexecRecord), new()
        {
            ["_backoffStep"] = Carried("BackoffStep"),
            ["_healing"] = Carried("HealthyDue"),
            ["_startLimit"] = Carried("StartLimit"),
            ["_state"] = Carried("State"),
            ["_stopRequested"] = Carried("StopRequested"),
            ["_startAfterStop"] = Carried("StartAfterStop"),
            ["_startJobPending"] = Carried("StartJobPending"),
            ["_timer"] = Carried("TimeoutDue"),
            ["_timeoutApplies"] = Carried("TimeoutApplies"),
            ["_restartTimer"] = Carried("RestartDue"),
            ["_watchdogTimer"] = Carried("WatchdogDue"),
            ["_watchdogOverride"] = Carried("WatchdogOverride"),
            ["_main"] = Carried("Main"),
            ["_mainToken"] = NotCarried(Token),
            ["_mainExecToken"] = NotCarried("Type=exec's watch on the main process's execve: a re-exec while a child is between fork and execve leaves the service in start until it exits or the start times out"),
            ["_mainCommand"] = Carried("MainCommand"),
            ["_mainKnown"] = Carried("MainKnown"),
            ["_mainCommands"] = Carried("MainCommands"),
            ["_nextMain"] = Carried("NextMain"),
            ["_control"] = Carried("Control"),
            ["_controlToken"] = NotCarried(Token),
            ["_controlCommand"] = Carried("ControlCommandSetting"),
            ["_controlCommands"] = Carried("ControlCommands"),
            ["_nextControl"] = Carried("NextControl"),
            ["_credentialWait"] = Carried("AwaitingCredentials"),
            ["_credentialWaits"] = NotCarried("a counter that only tells answers apart within one image"),
            ["_busWatch"] = NotCarried("a connection to the bus: the new manager watches BusName= again"),
            ["_reloadWaiters"] = NotCarried(Waiters),
            ["_reloadResult"] = Carried("ReloadResult"),
            ["_notifyReloading"] = Carried("NotifyReloading"),
            ["_credentialFiles"] = NotCarried("the making of the credentials directory: the directory stays, and the next command of the invocation makes it again"),
            ["_users"] = NotCarried("DynamicUser=: the uid lock is a close-on-exec flock, released at execve (docs/reexec.md says what this means)"),
            ["_goneGroup"] = NotCarried("a cache of kill(-pgid, 0), asked again"),
            ["_cgroup"] = Carried("Cgroup"),
            ["_cgroupToken"] = NotCarried(Token),
            ["_oomToken"] = NotCarried(Token),
            ["_cgroupWarned"] = Carried("CgroupWarned"),
            ["_connection"] = Carried("Connection"),
            ["_passedSockets"] = Carried("PassedSockets"),
            ["_fdStore"] = Carried("FdStore"),
            ["_restarting"] = NotCarried("true only inside OnRestartDue, never when the state is written"),
            ["DescriptionOverride"] = Carried("DescriptionOverride"),
            ["ExecMainPid"] = Carried("ExecMainPid"),
            ["ExecMainStatus"] = Carried("ExecMainStatus"),
            ["ExecMainStartTimestamp"] = Carried("ExecMainStart"),
            ["ExecMainExitTimestamp"] = Carried("ExecMainExit"),
            ["InvocationId"] = Carried("InvocationId"),
            ["NRestarts"] = Carried("NRestarts"),
            ["StatusText"] = Carried("StatusText"),
            ["StatusErrno"] = Carried("StatusErrno"),
            ["TriggeringSocket"] = Carried("TriggeringSocket"),
            ["ActivationRequestedAt"] = NotCarried("the activation-latency metric of one start: a start under way at the re-exec is left out of the histogram"),
            ["WatchdogExpiredAt"] = Carried("WatchdogExpiredAt"),
            ["RestartRequested"] = Carried("RestartRequested"),
            ["IsConnectionInstance"] = Carried("ConnectionInstance"),
            ["ConnectionSource"] = Carried("ConnectionSource"),
            ["_frozen"] = Carried("Frozen"),
            ["_idleStopSignal"] = Carried("IdleStopSignal"),
            ["PassedListenFds"] = Carried("PassedListenFds"),
        }),
        (typeof(ServiceUnit).GetNestedType("Healing", BindingFlags.NonPublic)!, typeof(ServiceReexecRecord), new()
        {
            ["HealthyTimer"] = Carried("HealthyDue"),
            ["RecoverTimer"] = Carried("RecoverDue"),
            ["NextRestartAt"] = Carried("NextRestartAt"),
            ["StartLimitRecoveries"] = Carried("StartLimitRecoveries"),
            ["StartLimitRecoverAt"] = Carried("StartLimitRecoverAt"),
        }),
        (typeof(SocketUnit), typeof(SocketReexecRecord), new()
        {
            ["_runs"] = NotCarried("the socket's own commands (ExecStartPre= …): a socket running one is refused and started by the boot"),
            ["_execSection"] = NotCarried(Definition),
            ["_controlCommands"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_nextControl"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_afterControl"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_controlCommand"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_control"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_controlToken"] = NotCarried(Token),
            ["_timer"] = NotCarried("the timeout of the socket's own commands: only in the states a re-exec refuses"),
            ["_credentialWait"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_credentialWaits"] = NotCarried("a counter that only tells answers apart within one image"),
            ["_invocationId"] = Carried("InvocationId"),
            ["_startPending"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_stopRequested"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_startAfterStop"] = NotCarried("as _runs: only in the states a re-exec refuses"),
            ["_listeners"] = Carried("Listeners"),
            ["_perSource"] = NotCarried("counted again from the instances carried (ServiceReexecRecord.ConnectionSource)"),
            ["_state"] = Carried("State"),
            ["_triggerLimit"] = Carried("TriggerLimit"),
            ["_backoff"] = Carried("BackoffFailures"),
            ["_resume"] = Carried("ResumeDue"),
            ["_waiting"] = Carried("Waiting"),
            ["_waitingTimer"] = Carried("WaitingDue"),
            ["_limitGraceSpent"] = Carried("LimitGraceSpent"),
            ["NAccepted"] = Carried("NAccepted"),
            ["NConnections"] = NotCarried("counted again from the instances carried"),
            ["NRefused"] = Carried("NRefused"),
            ["Refusals"] = Carried("Refusals"),
            ["Instances"] = NotCarried("made again from the instances carried (ServiceReexecRecord.ConnectionInstance)"),
            ["_idle"] = NotCarried("IdleStopSec=: the idle time starts again at the re-exec (a later stop, never an earlier one)"),
            ["_idleCheck"] = NotCarried("as _idle"),
            ["_service"] = NotCarried("found again from the service carried (PassedSockets, TriggeringSocket)"),
            ["_idleWatch"] = NotCarried("a counter that only tells looks apart within one image"),
            ["_looking"] = NotCarried("a look on a pool thread of the old image: its answer is lost with it"),
            ["NIdleStops"] = Carried("NIdleStops"),
            ["_recoverTimer"] = Carried("RecoverDue"),
            ["Recoveries"] = Carried("Recoveries"),
            ["RecoverAt"] = Carried("RecoverAt"),
            ["_bindWhenServiceEnds"] = Carried("BindWhenServiceEnds"),
        }),
        (typeof(SocketUnit.Listener), typeof(ListenerReexecRecord), new()
        {
            ["Socket"] = Carried("Fd"),
            ["Spec"] = Carried("Setting"),
            ["Token"] = NotCarried(Token),
            ["PollLimit"] = Carried("PollLimit"),
            ["PausedUntil"] = NotCarried("a PollLimit= pause ends at the re-exec; the carried window pauses the listener again at its next dispatch if it is still over"),
            ["Readable"] = NotCarried(Handler),
            ["DepthRetry"] = NotCarried(Handler),
        }),
        (typeof(TargetUnit), typeof(TargetReexecRecord), new()
        {
            ["_active"] = Carried("Active"),
        }),
        (typeof(FdStore), typeof(ServiceReexecRecord), new()
        {
            ["_entries"] = Carried("FdStore"),
        }),
        (typeof(StartChecks), typeof(StartChecksRecord), new()
        {
            ["_conditionOutcomes"] = Carried("ConditionOutcomes"),
            ["_assertOutcomes"] = Carried("AssertOutcomes"),
            ["ConditionResult"] = Carried("ConditionResult"),
            ["ConditionTimestamp"] = Carried("ConditionTimestamp"),
            ["AssertResult"] = Carried("AssertResult"),
            ["AssertTimestamp"] = Carried("AssertTimestamp"),
        }),
        (typeof(RateLimit), typeof(RateLimitRecord), new()
        {
            ["time"] = NotCarried(Manager),
            ["_windowStart"] = Carried("WindowStart"),
            ["_count"] = Carried("Count"),
            ["Interval"] = NotCarried(Definition),
            ["Burst"] = NotCarried(Definition),
        }),
        (typeof(ResourceBackoff), typeof(SocketReexecRecord), new()
        {
            ["_next"] = NotCarried("follows from the failures in a row (ResourceBackoff.Restore)"),
            ["Failures"] = Carried("BackoffFailures"),
        }),
        (typeof(AcceptedConnection), typeof(ConnectionReexecRecord), new()
        {
            ["Handle"] = Carried("Fd"),
            ["InstanceSuffix"] = Carried("InstanceSuffix"),
            ["RemoteAddress"] = Carried("RemoteAddress"),
            ["RemotePort"] = Carried("RemotePort"),
            ["SourceKey"] = Carried("SourceKey"),
            ["PeerPretty"] = Carried("PeerPretty"),
        }),
        (typeof(Job), typeof(JobReexecRecord), new()
        {
            ["_waiters"] = NotCarried(Waiters),
            ["Id"] = NotCarried("job ids are the new manager's own, as systemd's after a re-exec are not promised"),
            ["Unit"] = Carried("Unit"),
            ["Type"] = Carried("Type"),
            ["State"] = NotCarried("waiting or running follows again from the order of the jobs installed"),
            ["IgnoreOrder"] = Carried("IgnoreOrder"),
            ["Irreversible"] = Carried("Irreversible"),
            ["QueuedTimer"] = NotCarried("JobTimeoutSec= counts again from the re-exec"),
            ["RunningTimer"] = NotCarried("JobRunningTimeoutSec= counts again from the re-exec"),
        }),
        (typeof(OutputCapture), typeof(JournalStreamReexecRecord), new()
        {
            ["_loop"] = NotCarried(Manager),
            ["_readEnd"] = Carried("Fd"),
            ["_records"] = Carried("Pending"),
            ["_lines"] = NotCarried("flushed to the journal writer before the state is written"),
            ["_backlog"] = NotCarried("the journal writer's queue of the old image, flushed with it"),
            ["_live"] = NotCarried(Manager),
            ["_token"] = NotCarried(Token),
            ["_attached"] = NotCarried("only attached captures are carried, and attached again"),
            ["Next"] = NotCarried("the list of live captures, made again as they attach"),
            ["Previous"] = NotCarried("the list of live captures, made again as they attach"),
        }),
    ];

    /// <summary>A field's name as its declaration spells it: an auto-property's backing field by the property's name.</summary>
    private static string Declared(FieldInfo field) =>
        field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)] : field.Name;

    /// <summary>What is wrong with the lists: a field with no decision, a decision for no field, a record member that does not exist.</summary>
    private static List<string> Problems(IEnumerable<(Type Type, Type Record, Dictionary<string, Fate> Fields)> types)
    {
        var problems = new List<string>();
        foreach (var (type, record, fates) in types)
        {
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(Declared).ToList();
            foreach (string field in fields.Where(f => !fates.ContainsKey(f)))
                problems.Add($"{type.Name}.{field}: not in the re-exec state, and no reason given why not (carry it in {record.Name}, or list it here as not carried)");
            foreach (string stale in fates.Keys.Where(f => !fields.Contains(f)))
                problems.Add($"{type.Name}.{stale}: listed here but no longer a field");
            foreach (var (field, fate) in fates)
            {
                if (fate.Member is { } member && record.GetProperty(member) is null)
                    problems.Add($"{type.Name}.{field}: carried as {record.Name}.{member}, which does not exist");
                if (fate.Why is { Length: 0 })
                    problems.Add($"{type.Name}.{field}: not carried, with no reason");
            }
        }
        return problems;
    }

    [Fact]
    public void Every_instance_field_is_carried_across_a_re_exec_or_says_why_not()
    {
        var problems = Problems(Types);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_field_added_without_a_decision_or_carried_in_no_member_is_reported()
    {
        var problems = Problems([(typeof(Probe), typeof(JobReexecRecord), new() { ["Shown"] = Carried("Shwon"), ["Gone"] = NotCarried("was removed") })]);
        Assert.Equal(
            [
                "Probe._added: not in the re-exec state, and no reason given why not (carry it in JobReexecRecord, or list it here as not carried)",
                "Probe.Gone: listed here but no longer a field",
                "Probe.Shown: carried as JobReexecRecord.Shwon, which does not exist",
            ],
            problems);
    }

    private sealed class Probe
    {
        private readonly int _added = 1;

        private string Shown { get; } = "";

        public override string ToString() => $"{_added}{Shown}";
    }
}
