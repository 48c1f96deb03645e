using System.Net;
using System.Net.Sockets;
using Summon.Control;
using Summon.Core.Tests.Units.Conditions;
using Summon.Manager;
using Summon.Tests.Manager;
using Summon.Units.Conditions;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// What a start does with Condition*=, Assert*= and ExecCondition= (systemd's unit_start() and service.c), with fake
/// processes and faked condition facts.
/// </summary>
public sealed class ConditionStartTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly FakeConditionFacts _facts = new();
    private readonly ManagerHarness _h;

    public ConditionStartTests()
    {
        _h = new ManagerHarness(_processes);
        _h.Manager.ConditionFacts = _facts;
        _facts.File("/present");
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public void A_failed_condition_skips_the_start_the_job_is_done_and_the_unit_stays_inactive()
    {
        _h.WriteUnit("c.service", "[Unit]\nDescription=Conditional\nConditionPathExists=/present\nConditionPathExists=/missing\n[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("c.service");
        Assert.True(_h.Start("c.service").Success);
        Assert.Equal((ServiceState.Dead, 0, "success"), (service.State, _processes.Started.Count, service.Result));
        Assert.Equal((false, _h.Time.GetUtcNow()), (service.Checks.ConditionResult, service.Checks.ConditionTimestamp));
        Assert.Null(service.Checks.AssertTimestamp);   // asserts are not tested when a condition failed
        Assert.Equal(ConditionOutcome.Failed, service.Checks.Outcome(assert: false, 0));
        Assert.Equal(ConditionOutcome.Untested, service.Checks.Outcome(assert: false, 1));   // after the one that decided
        Assert.Equal(["Condition check resulted in c.service - Conditional being skipped."], _h.Lines("c.service"));

        var info = UnitProperties.Of(service, _h.Manager);
        Assert.Equal(("no", "no"), (info.Get("ConditionResult"), info.Get("AssertResult")));
        Assert.Equal(["ConditionPathExists=/missing failed", "ConditionPathExists=/present untested"], info.GetAll("Conditions"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Conditions_met_start_the_unit_and_are_recorded()
    {
        _h.WriteUnit("ok.service", "[Unit]\nConditionPathExists=|/missing\nConditionPathExists=|/present\nAssertPathExists=/present\n[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("ok.service");
        Assert.True(_h.Start("ok.service").Success);
        Assert.Equal((ServiceState.Running, true, true), (service.State, service.Checks.ConditionResult, service.Checks.AssertResult));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_failed_assert_fails_the_start_job_with_result_assert()
    {
        _h.WriteUnit("a.service", "[Unit]\nAssertPathExists=/missing\n[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("a.service");
        var result = _h.Start("a.service");
        Assert.Equal(new JobError("a.service", JobFailure.AssertFailed, "assert"), result.Error);
        Assert.Equal((ServiceState.Dead, 0, true, false), (service.State, _processes.Started.Count, service.Checks.ConditionResult, service.Checks.AssertResult));
        Assert.Equal(["a.service: Starting requested but asserts failed.", "Assertion failed for a.service."], _h.Lines("a.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Restart_does_not_test_the_conditions_again()
    {
        _h.WriteUnit("r.service", "[Unit]\nConditionPathExists=/flag\n[Service]\nExecStart=/fake/exit 1\nRestart=on-failure\nRestartSec=1s\n");
        _facts.File("/flag");
        var service = _h.Service("r.service");
        Assert.True(_h.Start("r.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        var first = service.Checks.ConditionTimestamp;
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((2, first), (_processes.Started.Count, service.Checks.ConditionTimestamp));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_socket_whose_condition_fails_binds_nothing()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("s.socket", $"[Unit]\nConditionPathExists=/missing\n[Socket]\nListenStream=127.0.0.1:{port}\n");
        _h.WriteUnit("s.service", "[Service]\nExecStart=/fake/run\n");
        var socket = _h.Socket("s.socket");
        Assert.True(_h.Start("s.socket").Success);
        Assert.Equal((UnitActiveState.Inactive, 0), (socket.ActiveState, socket.Listeners.Count));
        Assert.Equal(["Condition check resulted in s.socket being skipped."], _h.Lines("s.socket"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void An_accepted_connection_whose_instance_condition_fails_is_closed_and_forgotten()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("e.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("e@.service", "[Unit]\nConditionPathExists=/missing\n[Service]\nExecStart=/fake/run\n");
        var socket = _h.Socket("e.socket");
        Assert.True(_h.Start("e.socket").Success);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 1));
        Assert.Equal((0u, 0, UnitActiveState.Active), (socket.NConnections, _processes.Started.Count, socket.ActiveState));
        Assert.Equal(0, client.Receive(new byte[1]));   // closed by the manager
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void ExecCondition_exiting_1_to_254_skips_the_start_without_failing()
    {
        _h.WriteUnit("x.service", "[Unit]\nDescription=Checked\n[Service]\nExecCondition=/fake/exit 1\nExecStartPre=/fake/exit 0\nExecStart=/fake/run\n");
        var service = _h.Service("x.service");
        Assert.True(_h.Start("x.service").Success);
        Assert.Equal((ServiceState.Dead, "exec-condition", 1, false), (service.State, service.Result, _processes.Started.Count, service.Checks.ConditionResult));
        Assert.Equal(["x.service: Skipped due to 'exec-condition'.", "Condition check resulted in x.service - Checked being skipped."], _h.Lines("x.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void ExecCondition_exiting_0_goes_on_to_start_pre_and_start()
    {
        _h.WriteUnit("y.service", "[Service]\nExecCondition=/fake/exit 0\nExecCondition=/fake/exit 0\nExecStart=/fake/run\n");
        var service = _h.Service("y.service");
        Assert.True(_h.Start("y.service").Success);
        Assert.Equal((ServiceState.Running, 3), (service.State, _processes.Started.Count));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void ExecCondition_exiting_255_fails_the_unit()
    {
        _h.WriteUnit("z.service", "[Service]\nExecCondition=/fake/exit 255\nExecStart=/fake/run\n");
        var service = _h.Service("z.service");
        var result = _h.Start("z.service");
        Assert.Equal(new JobError("z.service", JobFailure.UnitFailed, "exit-code"), result.Error);
        Assert.Equal((ServiceState.Failed, 1), (service.State, _processes.Started.Count));
        Assert.Equal("z.service: Control process exited, code=exited, status=255/EXCEPTION", _h.Lines("z.service")[0]);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void ExecCondition_killed_by_a_signal_fails_the_unit()
    {
        _h.WriteUnit("k.service", "[Service]\nExecCondition=/fake/run\nExecStart=/fake/run\n");
        var service = _h.Service("k.service");
        var job = _h.Manager.StartJob("k.service");
        _h.Pump();
        Assert.Equal(ServiceState.Condition, service.State);
        Assert.Equal("condition", service.SubState);
        _processes.Last!.Receive(Summon.Posix.Signals.SIGKILL);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal((ServiceState.Failed, "signal"), (service.State, service.Result));
        Assert.Empty(_h.Errors);
    }
}
