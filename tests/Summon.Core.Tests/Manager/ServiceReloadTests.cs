using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// `reload` as a job that waits, Type=notify-reload with ReloadSignal= (systemd 253), and SendSIGHUP= at stop, through
/// the process seam with a fake clock.
/// </summary>
public sealed class ServiceReloadTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public ServiceReloadTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    private (ServiceUnit Service, FakeProcess Main) StartNotifyReload(string extra = "")
    {
        _h.WriteUnit("nr.service", "[Unit]\nDescription=Reloads by signal\n[Service]\nType=notify-reload\nExecStart=/fake/run\nTimeoutStartSec=5s\n" + extra);
        var service = _h.Service("nr.service");
        var job = _h.Manager.StartJob("nr.service");
        _h.Pump();
        var main = _processes.Last!;
        service.OnNotify(new NotifyMessage(main.Pid, 0, "READY=1", []));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True(job.Result.Success);
        return (service, main);
    }

    [Fact]
    public async Task Notify_reload_sends_ReloadSignal_and_the_job_waits_for_RELOADING_then_READY()
    {
        var (service, main) = StartNotifyReload("ReloadSignal=SIGUSR2\n");
        main.Ignores.Add(Signals.SIGUSR2);
        var enteredAt = service.ActiveEnterTimestamp;
        var job = _h.Manager.ReloadJob("nr.service");
        Assert.Equal([(main.Pid, Signals.SIGUSR2, false)], _processes.Sent);
        Assert.Equal(("reload-signal", UnitActiveState.Reloading, false), (service.SubState, service.ActiveState, job.IsCompleted));

        service.OnNotify(new NotifyMessage(main.Pid, 0, "RELOADING=1\nMONOTONIC_USEC=1", []));
        Assert.Equal(("reload-notify", false), (service.SubState, job.IsCompleted));

        service.OnNotify(new NotifyMessage(main.Pid, 0, "READY=1", []));
        Assert.Equal("running", service.SubState);
        Assert.True((await job).Success);
        Assert.Equal(enteredAt, service.ActiveEnterTimestamp);   // a reload is not a new activation
        Assert.Equal(["Reloading nr.service - Reloads by signal...", "Reloaded nr.service - Reloads by signal."],
            _h.Lines("nr.service").SkipWhile(l => !l.StartsWith("Reloading", StringComparison.Ordinal)));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task Notify_reload_that_never_answers_fails_the_job_with_timeout_and_keeps_running()
    {
        var (service, main) = StartNotifyReload();
        main.Ignores.Add(Signals.SIGHUP);   // handled, as a real service's reload signal is
        var job = _h.Manager.ReloadJob("nr.service");
        Assert.Equal([(main.Pid, Signals.SIGHUP, false)], _processes.Sent);   // ReloadSignal= defaults to SIGHUP

        _h.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(job.IsCompleted);
        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("nr.service", JobFailure.UnitFailed, "timeout"), (await job).Error);
        Assert.Equal((ServiceState.Running, true), (service.State, main.Alive));
        Assert.Contains("nr.service: Reload operation timed out. Killing reload process.", _h.Lines("nr.service"));
    }

    [Fact]
    public async Task Reload_waits_for_ExecReload_and_a_failing_one_fails_the_job()
    {
        _h.WriteUnit("er.service", "[Service]\nExecStart=/fake/run\nExecReload=/fake/reload\n");
        var service = _h.Service("er.service");
        Assert.True(_h.Start("er.service").Success);
        var job = _h.Manager.ReloadJob("er.service");
        _h.Pump();
        var control = _processes.Last!;
        Assert.Equal(("/fake/reload", "reload", false), (control.Request!.Path, service.SubState, job.IsCompleted));

        control.Exit(1);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("er.service", JobFailure.UnitFailed, "exit-code"), (await job).Error);
        Assert.Equal(ServiceState.Running, service.State);
    }

    [Fact]
    public async Task Reload_of_a_service_without_ExecReload_is_not_applicable()
    {
        _h.WriteUnit("plain.service", "[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("plain.service").Success);
        Assert.Equal(new JobError("plain.service", JobFailure.NotApplicable), (await _h.Manager.ReloadJob("plain.service")).Error);
    }

    [Fact]
    public void SendSIGHUP_follows_the_stop_signal_and_never_the_SIGKILL()
    {
        _h.WriteUnit("hup.service", "[Service]\nExecStart=/fake/run\nSendSIGHUP=yes\nTimeoutStopSec=1s\n");
        var service = _h.Service("hup.service");
        Assert.True(_h.Start("hup.service").Success);
        var main = _processes.Last!;
        main.Ignores.Add(Signals.SIGTERM);
        main.Ignores.Add(Signals.SIGHUP);

        _h.Manager.Stop("hup.service");
        Assert.Equal([(main.Pid, Signals.SIGTERM, true), (main.Pid, Signals.SIGHUP, true)], _processes.Sent);
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.PumpUntil(() => !main.Alive, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Equal(Signals.SIGKILL, _processes.Sent[^1].Signal);
        Assert.Equal(3, _processes.Sent.Count);
    }
}
