using Summon.Control;
using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.IntegrationTests.Manager;

/// <summary>
/// Restart=, RestartSec=, StartLimitIntervalSec=/StartLimitBurst= and TimeoutStopSec= on a real manager with real
/// processes, the timers driven by a fake clock: an hour of RestartSec= passes in one Advance().
/// </summary>
public sealed class ServiceLimitTests : IDisposable
{
    private readonly ManagerHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Restart_on_failure_waits_for_RestartSec_on_the_fake_clock()
    {
        const string Unit = "fail.service";
        _h.WriteUnit(Unit, """
            [Unit]
            Description=Failing service
            [Service]
            ExecStart=/bin/sh -c 'exit 3'
            Restart=on-failure
            RestartSec=1h
            """);
        var service = _h.Service(Unit);

        Assert.True(_h.Start(Unit).Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        Assert.Equal((0u, UnitActiveState.Activating, "auto-restart", "exit-code"), (service.NRestarts, service.ActiveState, service.SubState, service.Result));

        _h.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal((0u, ServiceState.AutoRestart), (service.NRestarts, service.State));

        _h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1u, service.NRestarts);
        // The restarted process fails again: back to auto-restart, waiting for the next hour.
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart && service.MainPid == 0));
        Assert.Equal(1u, service.NRestarts);

        string exited = "fail.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED";
        string failed = "fail.service: Failed with result 'exit-code'.";
        Assert.Equal(
            [
                "Started fail.service - Failing service.", exited, failed,
                "fail.service: Scheduled restart job, restart counter is at 1.",
                "Started fail.service - Failing service.", exited, failed,
            ],
            _h.Lines(Unit));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Restart_on_success_does_not_restart_a_failure_and_Restart_no_never_restarts()
    {
        _h.WriteUnit("a.service", "[Service]\nExecStart=/bin/sh -c 'exit 1'\nRestart=on-success\nRestartSec=1s\n");
        _h.WriteUnit("b.service", "[Service]\nExecStart=/bin/true\nRestart=no\n");
        _h.WriteUnit("c.service", "[Service]\nExecStart=/bin/true\nRestart=on-success\nRestartSec=1s\n");
        var a = _h.Service("a.service");
        var b = _h.Service("b.service");
        var c = _h.Service("c.service");
        Assert.True(_h.Start("a.service").Success);
        Assert.True(_h.Start("b.service").Success);
        Assert.True(_h.Start("c.service").Success);
        Assert.True(_h.PumpUntil(() => a.State == ServiceState.Failed && b.State == ServiceState.Dead && c.State == ServiceState.AutoRestart));

        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.PumpUntil(() => c.State == ServiceState.AutoRestart && c.MainPid == 0));
        Assert.Equal(
            (ServiceState.Failed, 0u, ServiceState.Dead, 0u, 1u),
            (a.State, a.NRestarts, b.State, b.NRestarts, c.NRestarts));
    }

    [Fact]
    public void StartLimitBurst_reached_by_restarts_fails_with_start_limit_hit_and_reset_failed_clears_it()
    {
        const string Unit = "burst.service";
        _h.WriteUnit(Unit, """
            [Unit]
            StartLimitIntervalSec=10s
            StartLimitBurst=3
            [Service]
            ExecStart=/bin/sh -c 'exit 1'
            Restart=always
            RestartSec=1s
            """);
        var service = _h.Service(Unit);

        Assert.True(_h.Start(Unit).Success);
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            Assert.True(_h.PumpUntil(() => service.State is ServiceState.AutoRestart or ServiceState.Failed && service.MainPid == 0), $"attempt {attempt}");
            Assert.Equal(ServiceState.AutoRestart, service.State);
            _h.Advance(TimeSpan.FromSeconds(1));
        }

        // The fourth start within 10 s is refused.
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Failed));
        Assert.Equal((UnitActiveState.Failed, "failed", "start-limit-hit", 3u), (service.ActiveState, service.SubState, service.Result, service.NRestarts));
        Assert.Equal(
            [
                "burst.service: Scheduled restart job, restart counter is at 3.",
                "burst.service: Start request repeated too quickly.",
                "burst.service: Failed with result 'start-limit-hit'.",
                "Failed to start burst.service.",
            ],
            _h.Lines(Unit).TakeLast(4));

        // A manual start while the window is still open is refused too.
        var refused = _h.Start(Unit);
        Assert.Equal(new JobError("burst.service", JobFailure.UnitFailed, "start-limit-hit"), refused.Error);   // worded by the CLI: JobMessagesTests
        Assert.Equal((ServiceState.Failed, "start-limit-hit"), (service.State, service.Result));

        // Staying failed: no restart timer is left behind.
        _h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ServiceState.Failed, service.State);

        _h.Manager.ResetFailed(Unit);
        Assert.Equal((UnitActiveState.Inactive, "dead", "success", 0u), (service.ActiveState, service.SubState, service.Result, service.NRestarts));

        // reset-failed also resets the limit: the next start runs at once, at the same instant on the fake clock.
        Assert.True(_h.Start(Unit).Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart && service.MainPid == 0));
        Assert.Equal("exit-code", service.Result);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Restarts_spread_wider_than_StartLimitIntervalSec_never_hit_the_limit()
    {
        const string Unit = "slow.service";
        _h.WriteUnit(Unit, "[Unit]\nStartLimitIntervalSec=10s\nStartLimitBurst=3\n[Service]\nExecStart=/bin/sh -c 'exit 1'\nRestart=on-failure\nRestartSec=4s\n");
        var service = _h.Service(Unit);

        Assert.True(_h.Start(Unit).Success);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(_h.PumpUntil(() => service.State is ServiceState.AutoRestart or ServiceState.Failed && service.MainPid == 0));
            Assert.Equal(ServiceState.AutoRestart, service.State);
            _h.Advance(TimeSpan.FromSeconds(4));
        }

        // Starts at 0, 4, 8 s fill the window opened at 0; the one at 12 s opens a new window, and so on.
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart && service.MainPid == 0));
        Assert.Equal((6u, "exit-code"), (service.NRestarts, service.Result));
        Assert.DoesNotContain("slow.service: Start request repeated too quickly.", _h.Lines(Unit));
    }

    [Fact]
    public void TimeoutStopSec_sends_SIGKILL_to_a_service_ignoring_SIGTERM_and_fails_with_timeout()
    {
        const string Unit = "stubborn.service";
        string ready = Path.Combine(_h.Root, "ready");
        _h.WriteUnit(Unit, $"""
            [Unit]
            Description=Ignores SIGTERM
            [Service]
            ExecStart=/bin/sh -c 'trap "" TERM; touch {ready}; sleep 1000'
            TimeoutStopSec=30s
            """);
        var service = _h.Service(Unit);
        Assert.True(_h.Start(Unit).Success);
        Assert.True(_h.PumpUntil(() => File.Exists(ready)));
        int pid = service.MainPid;
        Assert.Equal(ServiceState.Running, service.State);
        // sh has forked its sleep, and the child has exec'd it: until then its comm is "sh", and the kill below is only
        // real milliseconds away (the clock is fake), while the journal line names each process by its comm then.
        Assert.True(_h.PumpUntil(() => Summon.Processes.ProcessTable.InGroup(pid) is { Count: 2 } group
            && group.Any(p => p != pid && Summon.IntegrationTests.Harness.ProcFs.Stat(p)?.Comm == "sleep")));
        int sleeper = Summon.Processes.ProcessTable.InGroup(pid).Single(p => p != pid);

        _h.Manager.Stop(Unit);
        Assert.Equal(ServiceState.StopSigterm, service.State);
        _h.Advance(TimeSpan.FromSeconds(29));
        _h.PumpUntil(() => true);
        Assert.Equal((ServiceState.StopSigterm, pid), (service.State, service.MainPid));

        _h.Advance(TimeSpan.FromSeconds(1));
        // The sleep child (same process group) was killed too; the manager polls the group every 50 ms.
        Assert.True(_h.PumpUntil(() => service.State is ServiceState.Failed or ServiceState.Dead, tick: TimeSpan.FromMilliseconds(50)), service.SubState);
        Assert.Equal((UnitActiveState.Failed, "timeout"), (service.ActiveState, service.Result));
        Assert.Equal("code=killed, status=9/KILL", service.ExecMainStatus.ToString());

        var lines = _h.Lines(Unit);
        Assert.Equal(
            [
                "Stopping stubborn.service - Ignores SIGTERM...",
                "stubborn.service: State 'stop-sigterm' timed out. Killing.",
                $"stubborn.service: Killing process {pid} (sh) with signal SIGKILL.",
                $"stubborn.service: Killing process {sleeper} (sleep) with signal SIGKILL.",   // every process of the group
                "stubborn.service: Main process exited, code=killed, status=9/KILL",
                "stubborn.service: Failed with result 'timeout'.",
                "Stopped stubborn.service - Ignores SIGTERM.",
            ],
            lines.SkipWhile(l => !l.StartsWith("Stopping", StringComparison.Ordinal)));
        Assert.Empty(_h.Errors);
    }

    [Theory]
    [InlineData("simple", "success", ServiceState.Dead)]
    [InlineData("oneshot", "signal", ServiceState.Failed)]   // service.c: oneshot main processes are commands, not daemons
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void SIGTERM_ends_a_daemon_cleanly_but_fails_a_oneshot(string type, string result, object stateValue)
    {
        var state = (ServiceState)stateValue;
        const string Unit = "term.service";
        _h.WriteUnit(Unit, $"[Service]\nType={type}\nExecStart=/bin/sh -c 'kill -TERM $$$$'\n");
        var service = _h.Service(Unit);
        _h.Start(Unit);
        Assert.True(_h.PumpUntil(() => service.State is ServiceState.Dead or ServiceState.Failed && service.MainPid == 0));
        Assert.Equal((state, result, "code=killed, status=15/TERM"), (service.State, service.Result, service.ExecMainStatus.ToString()));
    }
}
