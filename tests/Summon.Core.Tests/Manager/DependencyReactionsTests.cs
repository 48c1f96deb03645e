using System.Net;
using System.Net.Sockets;
using Summon.Manager;
using Summon.Posix;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// What the manager does when a unit changes state without a job asking (Manager/Jobs/DependencyReactions): BindsTo=,
/// Upholds=, OnFailure=/OnSuccess=, StopWhenUnneeded=, the emergency actions and CollectMode=, on fake processes and
/// a fake clock.
/// </summary>
public sealed class DependencyReactionsTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private readonly List<(int? Status, bool Force)> _exits = [];

    public DependencyReactionsTests()
    {
        _h = new ManagerHarness(_processes);
        _h.Manager.ExitRequested = (status, force) => _exits.Add((status, force));
    }

    public void Dispose() => _h.Dispose();

    private FakeProcess MainOf(string unit) => _processes.Started.Last(p => p.Pid == _h.Service(unit).MainPid);

    // ---- BindsTo= ------------------------------------------------------------------------------------------

    [Fact]
    public void BindsTo_stops_the_binding_unit_when_the_bound_units_process_exits()
    {
        _h.WriteUnit("bound.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("binder.service", "[Unit]\nBindsTo=bound.service\nAfter=bound.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("bound.service").Success);
        Assert.True(_h.Start("binder.service").Success);
        var binder = _h.Service("binder.service");
        int binderPid = binder.MainPid;

        MainOf("bound.service").Exit(0);

        Assert.True(_h.PumpUntil(() => binder.State == ServiceState.Dead));
        Assert.Contains((binderPid, Signals.SIGTERM, true), _processes.Sent);
        Assert.Equal(UnitActiveState.Inactive, _h.Service("bound.service").ActiveState);
        Assert.Equal(
            [
                "binder.service: Unit is stopped because bound to inactive unit bound.service.",
                "Stopping binder.service...",
                "binder.service: Deactivated successfully.",
                "Stopped binder.service.",
            ],
            _h.Lines("binder.service").TakeLast(4));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void BindsTo_stops_the_binding_unit_when_the_bound_unit_fails_and_restarts()
    {
        _h.WriteUnit("bound.service", "[Service]\nExecStart=/fake/run\nRestart=on-failure\nRestartSec=1s\n");
        _h.WriteUnit("binder.service", "[Unit]\nBindsTo=bound.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("bound.service").Success);
        Assert.True(_h.Start("binder.service").Success);
        var binder = _h.Service("binder.service");
        var bound = _h.Service("bound.service");

        MainOf("bound.service").Exit(3);

        Assert.True(_h.PumpUntil(() => binder.State == ServiceState.Dead));
        Assert.Equal(ServiceState.AutoRestart, bound.State);
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.PumpUntil(() => bound.State == ServiceState.Running), string.Join("\n", _h.AllLines()) + bound.State);
        Assert.Equal(ServiceState.Dead, binder.State);   // systemd does not start it again either
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void BindsTo_a_unit_does_not_stay_active_while_the_unit_it_binds_to_is_inactive()
    {
        _h.WriteUnit("bound.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("binder.service", "[Unit]\nBindsTo=bound.service\n[Service]\nExecStart=/fake/run\n");
        var binder = _h.Service("binder.service");

        // ignore-dependencies: the job engine starts the binding unit alone, so only the reaction can stop it.
        var start = _h.Manager.StartJob("binder.service", Summon.Manager.Jobs.JobMode.IgnoreDependencies);
        Assert.True(_h.PumpUntil(() => start.IsCompleted));

        Assert.True(_h.PumpUntil(() => binder.State == ServiceState.Dead));
        Assert.Contains("binder.service: Unit is stopped because bound to inactive unit bound.service.", _h.Lines("binder.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void BindsTo_leaves_the_binding_unit_alone_while_the_bound_unit_runs()
    {
        _h.WriteUnit("bound.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("other.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("binder.service", "[Unit]\nBindsTo=bound.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("bound.service").Success);
        Assert.True(_h.Start("other.service").Success);
        Assert.True(_h.Start("binder.service").Success);

        MainOf("other.service").Exit(1);
        Assert.True(_h.PumpUntil(() => _h.Service("other.service").State == ServiceState.Failed));
        _h.Pump();

        Assert.Equal(ServiceState.Running, _h.Service("binder.service").State);
        Assert.DoesNotContain(_h.Lines("binder.service"), l => l.Contains("bound to inactive", StringComparison.Ordinal));
    }

    // ---- Upholds= ------------------------------------------------------------------------------------------

    [Fact]
    public void Upholds_starts_the_upheld_unit_with_the_upholder_and_again_whenever_it_stops()
    {
        _h.WriteUnit("upheld.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("holder.service", "[Unit]\nUpholds=upheld.service\n[Service]\nExecStart=/fake/run\n");
        var upheld = _h.Service("upheld.service");

        Assert.True(_h.Start("holder.service").Success);
        Assert.True(_h.PumpUntil(() => upheld.State == ServiceState.Running));
        int first = upheld.MainPid;

        MainOf("upheld.service").Exit(0);
        Assert.True(_h.PumpUntil(() => upheld.State == ServiceState.Running && upheld.MainPid != first));
        Assert.Equal(2, _h.Lines("upheld.service").Count(l => l == "upheld.service: Unit is started because upheld by active unit holder.service."));

        // Once the upholder is gone, nothing starts it again.
        var stop = _h.Manager.StopJob("holder.service");
        Assert.True(_h.PumpUntil(() => stop.IsCompleted));
        MainOf("upheld.service").Exit(0);
        Assert.True(_h.PumpUntil(() => upheld.State == ServiceState.Dead));
        _h.Pump();
        Assert.Equal(ServiceState.Dead, upheld.State);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Upholds_restarts_are_bounded_by_systemds_auto_start_limit_of_16_in_10_seconds()
    {
        _h.WriteUnit("crashy.service", "[Unit]\nStartLimitBurst=1000\n[Service]\nExecStart=/fake/exit 1\n");
        _h.WriteUnit("holder.service", "[Unit]\nUpholds=crashy.service\n[Service]\nExecStart=/fake/run\n");

        Assert.True(_h.Start("holder.service").Success);
        Assert.True(_h.PumpUntil(() => _h.Lines("crashy.service").Any(l => l.Contains("too often", StringComparison.Ordinal))));
        _h.Pump();

        Assert.Equal(16, _processes.Started.Count(p => p.Request!.Path == "/fake/exit"));
        Assert.Equal(
            "crashy.service: Unit needs to be started because active unit holder.service upholds it, but not starting since we tried this too often recently.",
            _h.Lines("crashy.service").Last());
        Assert.Equal(UnitActiveState.Failed, _h.Service("crashy.service").ActiveState);
        Assert.Empty(_h.Errors);
    }

    // ---- OnFailure=/OnSuccess= -----------------------------------------------------------------------------

    [Fact]
    public void OnFailure_starts_the_handler_instance_named_after_the_failed_unit()
    {
        _h.WriteUnit("notify-failure@.service", "[Service]\nType=oneshot\nExecStart=/fake/run %i\n");
        _h.WriteUnit("worker.service", "[Unit]\nOnFailure=notify-failure@%n.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("worker.service").Success);

        MainOf("worker.service").Exit(2);

        Assert.True(_h.PumpUntil(() => _processes.Started.Any(p => p.Request!.Argv.Contains("worker.service"))));
        var handler = _h.Service("notify-failure@worker.service.service");
        Assert.Equal(UnitActiveState.Activating, handler.ActiveState);
        Assert.Equal(["/fake/run", "worker.service"], _processes.Last!.Request!.Argv);
        Assert.Equal(
            [
                "worker.service: Main process exited, code=exited, status=2/INVALIDARGUMENT",
                "worker.service: Failed with result 'exit-code'.",
                "worker.service: Triggering OnFailure= dependencies.",
            ],
            _h.Lines("worker.service").TakeLast(3));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void OnFailure_waits_while_Restart_will_restart_the_unit_and_fires_when_it_fails_for_good()
    {
        _h.WriteUnit("handler.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("flaky.service", "[Unit]\nOnFailure=handler.service\nStartLimitBurst=2\n[Service]\nExecStart=/fake/exit 1\nRestart=on-failure\nRestartSec=1s\n");
        var handler = _h.Service("handler.service");

        Assert.True(_h.Start("flaky.service").Success);
        Assert.True(_h.PumpUntil(() => _h.Service("flaky.service").State == ServiceState.AutoRestart));
        _h.Pump();
        Assert.Equal(ServiceState.Dead, handler.State);

        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.PumpUntil(() => _h.Service("flaky.service").State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromSeconds(1));   // the third start hits StartLimitBurst=2: failed for good

        Assert.True(_h.PumpUntil(() => handler.State == ServiceState.Running));
        Assert.Equal((UnitActiveState.Failed, "start-limit-hit"), (_h.Service("flaky.service").ActiveState, _h.Service("flaky.service").Result));
        Assert.Single(_h.Lines("flaky.service"), "flaky.service: Triggering OnFailure= dependencies.");
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void OnSuccess_starts_its_unit_when_the_unit_ends_cleanly_and_not_when_it_fails()
    {
        _h.WriteUnit("after.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("job.service", "[Unit]\nOnSuccess=after.service\n[Service]\nType=oneshot\nExecStart=/fake/exit 0\n");
        _h.WriteUnit("bad.service", "[Unit]\nOnSuccess=after.service\n[Service]\nType=oneshot\nExecStart=/fake/exit 1\n");
        var after = _h.Service("after.service");

        Assert.False(_h.Start("bad.service").Success);
        _h.Pump();
        Assert.Equal(ServiceState.Dead, after.State);

        Assert.True(_h.Start("job.service").Success);
        Assert.True(_h.PumpUntil(() => after.State == ServiceState.Running));
        Assert.Contains("job.service: Triggering OnSuccess= dependencies.", _h.Lines("job.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void OnFailure_naming_a_missing_unit_says_so_in_one_line_and_harms_nothing()
    {
        _h.WriteUnit("worker.service", "[Unit]\nOnFailure=missing.service\n[Service]\nExecStart=/fake/exit 1\n");

        _h.Start("worker.service");

        Assert.True(_h.PumpUntil(() => _h.Lines("worker.service").Any(l => l.Contains("enqueue", StringComparison.Ordinal))));
        Assert.Equal("worker.service: Failed to enqueue OnFailure= job, ignoring: Unit missing.service not found.", _h.Lines("worker.service").Last());
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void OnFailure_of_an_Accept_yes_instance_names_the_instance()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("echo@.service", "[Unit]\nOnFailure=report@%n.service\n[Service]\nExecStart=/fake/exit 1\nStandardInput=socket\n");
        _h.WriteUnit("report@.service", "[Service]\nExecStart=/fake/run %i\n");
        Assert.True(_h.Start("echo.socket").Success);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));

        Assert.True(_h.PumpUntil(() => _processes.Started.Any(p => p.Request!.Path == "/fake/run")));
        string instance = _processes.Started.Last().Request!.Argv[1];
        Assert.StartsWith("echo@", instance, StringComparison.Ordinal);
        Assert.EndsWith(".service", instance, StringComparison.Ordinal);
        Assert.Contains($"{instance}: Triggering OnFailure= dependencies.", _h.AllLines());
        Assert.Empty(_h.Errors);
    }

    // ---- StopWhenUnneeded= ---------------------------------------------------------------------------------

    [Fact]
    public void StopWhenUnneeded_stops_the_unit_once_no_active_unit_wants_it()
    {
        _h.WriteUnit("helper.service", "[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("user.service", "[Unit]\nWants=helper.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("user.service").Success);
        Assert.True(_h.Start("helper.service").Success);
        var helper = _h.Service("helper.service");
        _h.Pump();
        Assert.Equal(ServiceState.Running, helper.State);   // needed: user.service wants it

        MainOf("user.service").Exit(0);

        Assert.True(_h.PumpUntil(() => helper.State == ServiceState.Dead));
        Assert.Equal("helper.service: Unit is not needed anymore.", _h.Lines("helper.service")[1]);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void StopWhenUnneeded_stops_a_unit_started_alone_once_it_is_up_as_systemd_does()
    {
        _h.WriteUnit("helper.service", "[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/fake/run\n");

        Assert.True(_h.Start("helper.service").Success);

        Assert.True(_h.PumpUntil(() => _h.Service("helper.service").State == ServiceState.Dead));
        Assert.Contains("helper.service: Unit is not needed anymore.", _h.Lines("helper.service"));
    }

    [Fact]
    public void Without_StopWhenUnneeded_a_wanted_unit_keeps_running_after_its_user_stops()
    {
        _h.WriteUnit("helper.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("user.service", "[Unit]\nWants=helper.service\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("user.service").Success);
        Assert.True(_h.Start("helper.service").Success);

        MainOf("user.service").Exit(0);
        Assert.True(_h.PumpUntil(() => _h.Service("user.service").State == ServiceState.Dead));
        _h.Pump();

        Assert.Equal(ServiceState.Running, _h.Service("helper.service").State);
    }

    // ---- SuccessAction=/FailureAction=/StartLimitAction= -----------------------------------------------------

    [Fact]
    public void FailureAction_exit_ends_the_manager_with_the_main_process_exit_status()
    {
        _h.WriteUnit("critical.service", "[Unit]\nFailureAction=exit\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("critical.service").Success);

        MainOf("critical.service").Exit(3);

        Assert.True(_h.PumpUntil(() => _exits.Count > 0));
        Assert.Equal([(3, false)], _exits);
        Assert.Contains("Exiting: unit critical.service failed", _h.Lines("critical.service"));
    }

    [Fact]
    public void FailureActionExitStatus_sets_the_managers_exit_status_and_a_signal_death_is_255_without_it()
    {
        _h.WriteUnit("a.service", "[Unit]\nFailureAction=exit-force\nFailureActionExitStatus=42\n[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("b.service", "[Unit]\nFailureAction=exit\n[Service]\nExecStart=/fake/run\nRuntimeMaxSec=1s\n");
        Assert.True(_h.Start("a.service").Success);
        MainOf("a.service").Exit(1);
        Assert.True(_h.PumpUntil(() => _exits.Count == 1));
        Assert.Equal((42, true), _exits[0]);
        Assert.Contains("Exiting immediately: unit a.service failed", _h.Lines("a.service"));

        Assert.True(_h.Start("b.service").Success);
        var main = MainOf("b.service");
        main.Ignores.Add(Signals.SIGTERM);
        _h.Advance(TimeSpan.FromSeconds(1));   // runtime limit: SIGTERM ignored, then killed with SIGKILL
        Assert.True(_h.PumpUntil(() => _exits.Count == 2, TimeSpan.FromSeconds(30)));
        Assert.Equal((255, false), _exits[1]);
    }

    [Fact]
    public void SuccessAction_exit_fires_when_the_unit_ends_cleanly_and_reboot_acts_as_exit()
    {
        _h.WriteUnit("once.service", "[Unit]\nSuccessAction=reboot\nSuccessActionExitStatus=5\n[Service]\nType=oneshot\nExecStart=/fake/exit 0\n");

        Assert.True(_h.Start("once.service").Success);

        Assert.True(_h.PumpUntil(() => _exits.Count > 0));
        Assert.Equal([(5, false)], _exits);
        Assert.Contains("once.service: Doing \"exit\" action instead of a \"reboot\" emergency action: Summon ends itself, it never reboots, halts or powers off the machine.", _h.Lines("once.service"));
        Assert.Contains("Exiting: unit once.service succeeded", _h.Lines("once.service"));
    }

    [Fact]
    public void SuccessAction_does_not_fire_when_the_unit_fails()
    {
        _h.WriteUnit("once.service", "[Unit]\nSuccessAction=exit\n[Service]\nType=oneshot\nExecStart=/fake/exit 1\n");

        Assert.False(_h.Start("once.service").Success);
        _h.Pump();

        Assert.Empty(_exits);
    }

    [Fact]
    public void StartLimitAction_exit_ends_the_manager_when_the_start_limit_is_hit()
    {
        _h.WriteUnit("loop.service", "[Unit]\nStartLimitBurst=1\nStartLimitAction=exit\n[Service]\nExecStart=/fake/exit 0\nRestart=always\nRestartSec=1s\n");

        Assert.True(_h.Start("loop.service").Success);
        Assert.True(_h.PumpUntil(() => _h.Service("loop.service").State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromSeconds(1));

        Assert.True(_h.PumpUntil(() => _exits.Count > 0));
        Assert.Equal([(null, false)], _exits);
        Assert.Contains("Exiting: unit loop.service failed", _h.Lines("loop.service"));
    }

    [Fact]
    public void Exit_force_kills_every_units_processes()
    {
        _h.WriteUnit("bystander.service", "[Service]\nExecStart=/fake/stubborn\n");
        _h.WriteUnit("critical.service", "[Unit]\nFailureAction=exit-force\n[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("bystander.service").Success);
        Assert.True(_h.Start("critical.service").Success);
        int bystander = _h.Service("bystander.service").MainPid;

        MainOf("critical.service").Exit(1);

        Assert.True(_h.PumpUntil(() => _exits.Count > 0));
        Assert.Contains((bystander, Signals.SIGKILL, true), _processes.Sent);
    }

    // ---- CollectMode= --------------------------------------------------------------------------------------

    [Fact]
    public void CollectMode_inactive_or_failed_forgets_the_failure_and_inactive_keeps_it()
    {
        _h.WriteUnit("kept.service", "[Service]\nExecStart=/fake/exit 1\n");
        _h.WriteUnit("gone.service", "[Unit]\nCollectMode=inactive-or-failed\n[Service]\nExecStart=/fake/exit 1\n");

        _h.Start("kept.service");
        _h.Start("gone.service");
        Assert.True(_h.PumpUntil(() => _h.Service("kept.service").State == ServiceState.Failed));
        Assert.True(_h.PumpUntil(() => _h.Lines("gone.service").Contains("gone.service: Failed with result 'exit-code'.")));
        _h.Pump();

        Assert.Equal((ServiceState.Dead, "success"), (_h.Service("gone.service").State, _h.Service("gone.service").Result));
        Assert.Equal("exit-code", _h.Service("kept.service").Result);
    }
}
