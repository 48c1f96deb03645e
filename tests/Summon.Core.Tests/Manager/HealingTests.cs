using System.Net;
using System.Net.Sockets;
using Summon.Manager;
using Summon.Tests.Manager;
using Summon.Units;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// Issue 15 on a fake clock and fake processes: the poll limit counts one connection per dispatch as systemd 255+
/// does, restarts back off as systemd 254's RestartSteps= and return to RestartSec= after [X-Summon] RestartResetSec=,
/// and the limits that fail a unit heal after [X-Summon] StartLimitRecoverSec=/TriggerLimitRecoverSec=.
/// </summary>
public sealed class HealingTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private readonly List<Socket> _clients = [];

    public HealingTests() => _h = new ManagerHarness(_processes);

    public void Dispose()
    {
        _clients.ForEach(c => c.Dispose());
        _h.Dispose();
    }

    private void Connect(int port, int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _clients.Add(client);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));   // completes in the backlog, before any accept
        }
    }

    private static ServiceSection Backoff(string restartSec, uint steps, string max)
    {
        var s = new ServiceSection();
        Assert.Equal(0, ValueParsers.TryParseTimeSpan(restartSec, out var first));
        Assert.Equal(0, ValueParsers.TryParseTimeSpan(max, out var last));
        s.RestartSec = first;
        s.RestartSteps = steps;
        s.RestartMaxDelaySec = last;
        return s;
    }

    [Fact]
    public void RestartDelay_grows_from_RestartSec_to_RestartMaxDelaySec_over_RestartSteps_as_systemd_254()
    {
        var s = Backoff("100ms", 4, "8s");
        Assert.Equal(
            [100_000L, 299_069L, 894_427L, 2_674_961L, 8_000_000L, 8_000_000L],
            Enumerable.Range(0, 6).Select(n => RestartDelay.Next(s, (uint)n).Ticks / TimeSpan.TicksPerMicrosecond));
        // No steps, no maximum, or a RestartSec= not below it: the delay stays RestartSec=.
        Assert.Equal(TimeSpan.FromMilliseconds(100), RestartDelay.Next(Backoff("100ms", 0, "8s"), 3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), RestartDelay.Next(Backoff("100ms", 4, "infinity"), 3));
        Assert.Equal(TimeSpan.FromSeconds(10), RestartDelay.Next(Backoff("10s", 4, "8s"), 3));
    }

    [Fact]
    public void A_flood_at_default_limits_pauses_an_Accept_yes_socket_by_its_poll_limit_and_never_fails_it()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("flood.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("flood@.service", "[Service]\nExecStart=/fake/exit 0\nStandardInput=socket\n");
        var socket = _h.Socket("flood.socket");
        Assert.True(_h.Start("flood.socket").Success);
        var began = _h.Time.GetUtcNow();

        // 250 connections wait in the backlog: more than the trigger limit (200/2 s) in one window. Counting one
        // connection per dispatch, the poll limit (150/2 s) pauses the fd first.
        Connect(port, 250);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 150 && socket.PollLimitPausedUntil is not null));
        for (int i = 0; i < 10; i++)
            _h.Loop.RunOnce(10);
        Assert.Equal((150u, SocketState.Listening, "success"), (socket.NAccepted, socket.State, socket.Result));
        Assert.Equal(began + TimeSpan.FromSeconds(2), socket.PollLimitPausedUntil);
        Assert.Contains(_h.Lines("flood.socket"), l => l.StartsWith($"flood.socket: Poll limit hit on 127.0.0.1:{port}, pausing until ", StringComparison.Ordinal));

        _h.Advance(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(1));
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 250));
        Assert.Equal((SocketState.Listening, "success", (DateTimeOffset?)null), (socket.State, socket.Result, socket.PollLimitPausedUntil));
        Assert.Contains($"flood.socket: Poll limit window ended, polling 127.0.0.1:{port} again.", _h.Lines("flood.socket"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void TriggerLimitBurst_set_explicitly_still_fails_the_socket_and_TriggerLimitRecoverSec_has_it_listen_again()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("trig.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nTriggerLimitBurst=3\n[X-Summon]\nTriggerLimitRecoverSec=2\n");
        _h.WriteUnit("trig@.service", "[Service]\nExecStart=/fake/exit 0\nStandardInput=socket\n");
        var socket = _h.Socket("trig.socket");
        Assert.True(_h.Start("trig.socket").Success);

        Connect(port, 4);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed));
        Assert.Equal((3u, "trigger-limit-hit"), (socket.NAccepted, socket.Result));
        Assert.Equal(_h.Time.GetUtcNow() + TimeSpan.FromSeconds(2), socket.RecoverAt);

        _h.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(SocketState.Failed, socket.State);
        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((SocketState.Listening, "success", 1u), (socket.State, socket.Result, socket.Recoveries));

        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.NAccepted == 4));
        Assert.Equal(
            [
                "trig.socket: Trigger limit hit, refusing further activation.",
                "trig.socket: Failed with result 'trigger-limit-hit'.",
            ],
            _h.Lines("trig.socket").Where(l => l.Contains("limit", StringComparison.Ordinal) || l.Contains("Failed", StringComparison.Ordinal)).Take(2));
        Assert.Contains(_h.Lines("trig.socket"), l => l.StartsWith("trig.socket: Recovering from 'trigger-limit-hit' at ", StringComparison.Ordinal));
        Assert.Contains("trig.socket: Recovered from 'trigger-limit-hit' (recovery 1).", _h.Lines("trig.socket"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Without_TriggerLimitRecoverSec_a_socket_failed_by_its_trigger_limit_stays_failed()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("stay.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nTriggerLimitBurst=1\n");
        _h.WriteUnit("stay@.service", "[Service]\nExecStart=/fake/exit 0\nStandardInput=socket\n");
        var socket = _h.Socket("stay.socket");
        Assert.True(_h.Start("stay.socket").Success);
        Connect(port, 2);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed));
        _h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal((SocketState.Failed, (DateTimeOffset?)null), (socket.State, socket.RecoverAt));
    }

    [Fact]
    public void A_crash_loop_backs_off_as_RestartSteps_says_and_RestartResetSec_of_running_returns_it_to_RestartSec()
    {
        _h.WriteUnit("crash.service", """
            [Unit]
            StartLimitIntervalSec=0
            [Service]
            ExecStart=/fake/run
            Restart=always
            RestartSteps=4
            RestartMaxDelaySec=8s
            [X-Summon]
            RestartResetSec=1min
            """);
        var service = _h.Service("crash.service");
        Assert.True(_h.Start("crash.service").Success);
        long[] expected = [100_000, 299_069, 894_427, 2_674_961, 8_000_000, 8_000_000];
        foreach (long usec in expected)
        {
            _processes.Last!.Exit(1);
            Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
            var delay = TimeSpan.FromTicks(usec * TimeSpan.TicksPerMicrosecond);
            Assert.Equal((delay, _h.Time.GetUtcNow() + delay), (service.RestartDelayNext, service.NextRestartAt));
            int started = _processes.Started.Count;
            _h.Advance(delay - TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond));
            Assert.Equal((ServiceState.AutoRestart, started), (service.State, _processes.Started.Count));
            _h.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond));
            Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        }
        Assert.Equal((6u, 6u), (service.NRestarts, service.BackoffStep));
        Assert.Equal(
            [
                "crash.service: Restart back-off at step 2 of 4, next restart in 299ms.",
                "crash.service: Restart back-off at step 3 of 4, next restart in 894ms.",
                "crash.service: Restart back-off at step 4 of 4, next restart in 2.674s.",
                "crash.service: Restart back-off at step 4 of 4, next restart in 8s.",
                "crash.service: Restart back-off at step 4 of 4, next restart in 8s.",
            ],
            _h.Lines("crash.service").Where(l => l.Contains("back-off", StringComparison.Ordinal)));

        // Up for RestartResetSec=: the back-off starts again from RestartSec=; NRestarts still counts every restart.
        _h.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(6u, service.BackoffStep);
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((0u, 6u), (service.BackoffStep, service.NRestarts));
        Assert.Contains("crash.service: Up for 1min, restart back-off reset after 6 restarts.", _h.Lines("crash.service"));
        _processes.Last!.Exit(1);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        Assert.Equal(TimeSpan.FromMilliseconds(100), service.RestartDelayNext);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Without_RestartResetSec_the_back_off_never_resets_as_in_systemd()
    {
        _h.WriteUnit("keep.service", "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/fake/run\nRestart=always\nRestartSteps=2\nRestartMaxDelaySec=4s\n");
        var service = _h.Service("keep.service");
        Assert.True(_h.Start("keep.service").Success);
        _processes.Last!.Exit(1);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        _h.Advance(TimeSpan.FromHours(1));
        _processes.Last!.Exit(1);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        Assert.Equal(TimeSpan.FromTicks(632_455 * TimeSpan.TicksPerMicrosecond), service.RestartDelayNext);   // step 2 of 2 would be 4 s
    }

    [Fact]
    public void StartLimitRecoverSec_starts_a_service_again_after_start_limit_hit()
    {
        _h.WriteUnit("limit.service", """
            [Unit]
            StartLimitIntervalSec=10s
            StartLimitBurst=2
            [Service]
            ExecStart=/fake/exit 1
            Restart=on-failure
            [X-Summon]
            StartLimitRecoverSec=30s
            """);
        var service = _h.Service("limit.service");
        Assert.True(_h.Start("limit.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Failed));
        Assert.Equal(("start-limit-hit", 2, _h.Time.GetUtcNow() + TimeSpan.FromSeconds(30)), (service.Result, _processes.Started.Count, service.StartLimitRecoverAt));

        _h.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal((ServiceState.Failed, 2), (service.State, _processes.Started.Count));
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 3));
        Assert.Equal(1u, service.StartLimitRecoveries);
        Assert.Contains("limit.service: Recovered from 'start-limit-hit' (recovery 1).", _h.Lines("limit.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_stop_cancels_a_scheduled_start_limit_recovery()
    {
        _h.WriteUnit("cancel.service", "[Unit]\nStartLimitIntervalSec=10s\nStartLimitBurst=1\n[Service]\nExecStart=/fake/exit 1\nRestart=on-failure\n[X-Summon]\nStartLimitRecoverSec=5s\n");
        var service = _h.Service("cancel.service");
        Assert.True(_h.Start("cancel.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        _h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Failed));
        service.Stop();
        _h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((1, (DateTimeOffset?)null), (_processes.Started.Count, service.StartLimitRecoverAt));
    }

    [Fact]
    public void A_socket_failed_by_its_services_start_limit_listens_again_after_the_services_StartLimitRecoverSec()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("sl.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nTriggerLimitBurst=100\n");
        _h.WriteUnit("sl.service", "[Unit]\nStartLimitIntervalSec=10s\nStartLimitBurst=2\n[Service]\nExecStart=/fake/exit 0\n[X-Summon]\nStartLimitRecoverSec=5s\n");
        var socket = _h.Socket("sl.socket");
        Assert.True(_h.Start("sl.socket").Success);

        // The connection is never accepted: each time the service ends the socket is readable again and triggers it.
        Connect(port);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Failed));
        var service = _h.Service("sl.service");
        Assert.Equal(("service-start-limit-hit", "start-limit-hit", 2), (socket.Result, service.Result, _processes.Started.Count));

        _h.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Listening || _processes.Started.Count > 2));
        Assert.Equal(1u, socket.Recoveries);
        Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count > 2));
        Assert.Contains("sl.socket: Recovered from 'service-start-limit-hit' (recovery 1).", _h.Lines("sl.socket"));
        Assert.Empty(_h.Errors);
    }
}
