using System.Net;
using System.Net.Sockets;
using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The service and socket state machines through the process seam: fake processes that exit when the test says, a
/// fake clock, real sockets on 127.0.0.1 and no child process at all, so every timeout is reached in microseconds.
/// </summary>
public sealed class ServiceStateMachineTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public ServiceStateMachineTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Type_notify_start_that_never_reports_ready_times_out_is_terminated_and_fails_the_start_job()
    {
        _h.WriteUnit("slow.service", """
            [Unit]
            Description=Never ready
            [Service]
            Type=notify
            ExecStart=/fake/run
            TimeoutStartSec=5s
            """);
        var service = _h.Service("slow.service");
        var job = _h.Manager.StartJob("slow.service");
        _h.Pump();
        var main = _processes.Last!;
        Assert.Equal((ServiceState.Start, UnitActiveState.Activating, main.Pid, false), (service.State, service.ActiveState, service.MainPid, job.IsCompleted));
        Assert.Equal("/fake/run", main.Request!.Path);
        Assert.Contains(main.Request.Environment, e => e.StartsWith("INVOCATION_ID=", StringComparison.Ordinal));

        _h.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal((ServiceState.Start, false), (service.State, job.IsCompleted));

        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal([(main.Pid, Signals.SIGTERM, true)], _processes.Sent);   // KillMode=control-group: the whole group
        Assert.Equal((ServiceState.Failed, "timeout", "code=killed, status=15/TERM"), (service.State, service.Result, service.ExecMainStatus.ToString()));
        Assert.Equal(new JobError("slow.service", JobFailure.UnitFailed, "timeout"), (await job).Error);   // worded by the CLI: JobMessagesTests
        Assert.Equal(
            [
                "slow.service: start operation timed out. Terminating.",   // SIGTERM is a clean end for a daemon: no exit line
                "slow.service: Failed with result 'timeout'.",
                "Failed to start slow.service - Never ready.",
            ],
            _h.Lines("slow.service"));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Restart_on_failure_loop_reaches_start_limit_hit_after_StartLimitBurst_starts()
    {
        _h.WriteUnit("crash.service", """
            [Unit]
            StartLimitIntervalSec=10s
            StartLimitBurst=3
            [Service]
            ExecStart=/fake/exit 1
            Restart=on-failure
            RestartSec=100ms
            """);
        var service = _h.Service("crash.service");
        Assert.True(_h.Start("crash.service").Success);   // a simple service has started once its process exists

        for (uint restart = 1; restart <= 2; restart++)
        {
            Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart && service.MainPid == 0));
            _h.Advance(TimeSpan.FromMilliseconds(99));
            Assert.Equal((ServiceState.AutoRestart, restart - 1), (service.State, service.NRestarts));
            _h.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(restart, service.NRestarts);
        }
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart && service.MainPid == 0));
        _h.Advance(TimeSpan.FromMilliseconds(100));

        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Failed));
        Assert.Equal((3, 3u, "start-limit-hit"), (_processes.Started.Count, service.NRestarts, service.Result));
        Assert.Equal(
            [
                "crash.service: Scheduled restart job, restart counter is at 3.",
                "crash.service: Start request repeated too quickly.",
                "crash.service: Failed with result 'start-limit-hit'.",
                "Failed to start crash.service.",
            ],
            _h.Lines("crash.service").TakeLast(4));
        Assert.Equal(3, _h.Lines("crash.service").Count(l => l == "crash.service: Main process exited, code=exited, status=1/FAILURE"));

        // Failed for good: no restart timer is left.
        _h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal((ServiceState.Failed, 3), (service.State, _processes.Started.Count));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Accept_no_socket_goes_listening_running_listening_and_hands_its_fd_to_the_service()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        _h.WriteUnit("web.service", "[Service]\nExecStart=/fake/run\n");
        var socket = _h.Socket("web.socket");
        Assert.True(_h.Start("web.socket").Success);
        Assert.Equal((SocketState.Listening, 0), (socket.State, _processes.Started.Count));

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Running));
        var service = _h.Service("web.service");
        var main = _processes.Last!;
        Assert.Equal((ServiceState.Running, main.Pid), (service.State, service.MainPid));
        Assert.Equal(socket.Listeners[0].Socket.Handle, Assert.Single(main.Request!.PassFds));
        Assert.True(main.Request.SetListenPid);
        Assert.Contains("LISTEN_FDS=1", main.Request.Environment);
        Assert.Contains("LISTEN_FDNAMES=web.socket", main.Request.Environment);

        // The service takes the connection, then exits: the socket listens again.
        using (var taken = AcceptedConnection.TryAccept(socket.Listeners[0].Socket.Handle, out _))
            Assert.NotNull(taken);
        main.Exit(0);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Listening));
        Assert.Equal((ServiceState.Dead, "success", 1), (service.State, socket.Result, _processes.Started.Count));

        // The next connection starts the service again.
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.Connect(new IPEndPoint(IPAddress.Loopback, port));
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Running && _processes.Started.Count == 2));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void KillMode_mixed_sends_SIGTERM_to_the_main_process_only_then_SIGKILL_to_the_whole_group_after_TimeoutStopSec()
    {
        _h.WriteUnit("mixed.service", """
            [Unit]
            Description=Ignores SIGTERM
            [Service]
            ExecStart=/fake/stubborn
            KillMode=mixed
            TimeoutStopSec=3s
            """);
        var service = _h.Service("mixed.service");
        Assert.True(_h.Start("mixed.service").Success);
        var main = _processes.Last!;
        var child = _processes.AddStray(main, ignoresSigterm: false);

        _h.Manager.Stop("mixed.service");
        Assert.Equal(ServiceState.StopSigterm, service.State);
        Assert.Equal([(main.Pid, Signals.SIGTERM, false)], _processes.Sent);
        Assert.True(child.Alive);   // mixed: SIGTERM goes to the main process alone

        _h.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Equal((ServiceState.StopSigterm, true), (service.State, main.Alive));

        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_h.PumpUntil(() => service.State is ServiceState.Failed or ServiceState.Dead, tick: TimeSpan.FromMilliseconds(50)));
        Assert.Equal([(main.Pid, Signals.SIGTERM, false), (main.Pid, Signals.SIGKILL, true)], _processes.Sent);
        Assert.Equal((false, false), (main.Alive, child.Alive));
        Assert.Equal((UnitActiveState.Failed, "timeout", "code=killed, status=9/KILL"), (service.ActiveState, service.Result, service.ExecMainStatus.ToString()));
        Assert.Equal(
            [
                "Stopping mixed.service - Ignores SIGTERM...",
                "mixed.service: State 'stop-sigterm' timed out. Killing.",
                $"mixed.service: Killing process {main.Pid} (fake) with signal SIGKILL.",
                $"mixed.service: Killing process {child.Pid} (fake) with signal SIGKILL.",
                "mixed.service: Main process exited, code=killed, status=9/KILL",
                "mixed.service: Failed with result 'timeout'.",
                "Stopped mixed.service - Ignores SIGTERM.",
            ],
            _h.Lines("mixed.service").SkipWhile(l => !l.StartsWith("Stopping", StringComparison.Ordinal)));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task Type_notify_is_running_on_READY_and_EXTEND_TIMEOUT_USEC_moves_the_start_timeout()
    {
        _h.WriteUnit("ready.service", "[Service]\nType=notify\nExecStart=/fake/run\nTimeoutStartSec=5s\n");
        var service = _h.Service("ready.service");
        var job = _h.Manager.StartJob("ready.service");
        _h.Pump();
        var main = _processes.Last!;

        _h.Advance(TimeSpan.FromSeconds(4));
        service.OnNotify(new NotifyMessage(main.Pid, 0, "EXTEND_TIMEOUT_USEC=10000000", []));
        _h.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal((ServiceState.Start, false), (service.State, job.IsCompleted));   // 13 s in: the extension holds

        service.OnNotify(new NotifyMessage(main.Pid, 0, "STATUS=warm\nREADY=1", []));
        Assert.Equal((ServiceState.Running, "warm"), (service.State, service.StatusText));
        Assert.True((await job).Success);
        _h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ServiceState.Running, service.State);   // no start timeout left behind
        Assert.Empty(_processes.Sent);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_notification_from_another_pid_than_the_main_process_is_refused_with_NotifyAccess_main()
    {
        _h.WriteUnit("strict.service", "[Service]\nType=notify\nExecStart=/fake/run\n");
        var service = _h.Service("strict.service");
        _h.Manager.StartJob("strict.service");
        _h.Pump();

        service.OnNotify(new NotifyMessage(_processes.Last!.Pid + 1000, 0, "READY=1", []));
        Assert.Equal(ServiceState.Start, service.State);
        Assert.Contains($"strict.service: Got notification message from PID {_processes.Last.Pid + 1000}, but reception only permitted for main PID {_processes.Last.Pid}", _h.Lines("strict.service"));
    }

    [Fact]
    public void Accept_yes_instance_that_cannot_be_started_at_the_fd_limit_fails_202_FDS_and_frees_its_connection()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("full.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnections=1\n");
        _h.WriteUnit("full@.service", "[Service]\nExecStart=/fake/emfile\nStandardInput=socket\n");
        var socket = _h.Socket("full.socket");
        Assert.True(_h.Start("full.socket").Success);

        for (uint i = 1; i <= 3; i++)   // past MaxConnections=1: the slot comes back every time
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            // Each failure at the fd limit pauses the socket a little longer; the fake clock moves on to end it.
            Assert.True(_h.PumpUntil(() => socket.NAccepted == i && socket.NConnections == 0, TimeSpan.FromMilliseconds(10)));
            client.ReceiveTimeout = 5000;
            Assert.Equal(0, client.Receive(new byte[8]));
        }
        Assert.Equal((SocketState.Listening, 0u), (socket.State, socket.NRefused));
        Assert.Equal(3, _h.AllLines().Count(l => l.EndsWith(": Main process exited, code=exited, status=202/FDS", StringComparison.Ordinal)));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Accept_yes_spawns_out_of_processes_pause_the_socket_with_a_growing_delay_logged_once_and_it_recovers()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("busy.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("busy@.service", "[Service]\nExecStart=/fake/run\nStandardInput=socket\n");
        var socket = _h.Socket("busy.socket");
        Assert.True(_h.Start("busy.socket").Success);
        _processes.ExhaustedSpawns = 3;

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 5; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            }

            // Each failed spawn pauses the socket (the next connections wait in the backlog) for twice as long as
            // the one before: nothing is accepted until the fake clock reaches the end of the pause.
            var pause = ResourceBackoff.FirstDelay;
            for (uint failed = 1; failed <= 3; failed++)
            {
                Assert.True(_h.PumpUntil(() => socket.NAccepted == failed), $"attempt {failed}: {socket.NAccepted} accepted");
                for (int i = 0; i < 3; i++)
                    _h.Loop.RunOnce(5);
                _h.Advance(pause - TimeSpan.FromMilliseconds(1));
                Assert.Equal((failed, 0u, SocketState.Listening), (socket.NAccepted, socket.NConnections, socket.State));
                _h.Advance(TimeSpan.FromMilliseconds(1));
                pause *= 2;
            }

            // Processes are back: the two waiting connections and the next one are served.
            Assert.True(_h.PumpUntil(() => socket.NAccepted == 5 && socket.NConnections == 2), $"{socket.NAccepted} accepted, {socket.NConnections} live");
            using var later = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            later.Connect(new IPEndPoint(IPAddress.Loopback, port));
            Assert.True(_h.PumpUntil(() => socket.NConnections == 3));
            Assert.Equal((SocketState.Listening, 0u), (socket.State, socket.NRefused));
            var lines = _h.Lines("busy.socket");
            Assert.Equal(
                ["busy.socket: Out of resources for a connection (Resource temporarily unavailable), pausing accepts and retrying with back-off."],
                lines.Where(l => l.Contains("Out of resources", StringComparison.Ordinal)));
            Assert.Equal(
                ["busy.socket: Accepting connections again, after 3 attempts that ran out of resources."],
                lines.Where(l => l.Contains("Accepting connections again", StringComparison.Ordinal)));
            Assert.Empty(_h.Errors);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void A_connection_arriving_with_the_exit_of_the_instance_it_replaces_is_served_not_refused_for_MaxConnections()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("one.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnections=1\nMaxConnectionsPerSource=1\n");
        _h.WriteUnit("one@.service", "[Service]\nExecStart=/fake/run\nStandardInput=socket\n");
        var socket = _h.Socket("one.socket");
        Assert.True(_h.Start("one.socket").Success);

        for (uint i = 1; i <= 3; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            // The previous client's instance exits after this connection arrived: both are ready in one wake-up of
            // the loop, the listener first, and the exit must be counted before the limit is.
            _processes.Started.Where(p => p.Alive).ToList().ForEach(p => p.Exit(0));
            Assert.True(_h.PumpUntil(() => socket.NAccepted + socket.NRefused == i), $"connection {i}: {socket.NAccepted} accepted");
            Assert.Equal((i, 1u, 0u), (socket.NAccepted, socket.NConnections, socket.NRefused));
        }
        Assert.DoesNotContain(_h.Lines("one.socket"), l => l.Contains("Too many incoming connections", StringComparison.Ordinal));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_connection_at_MaxConnections_waits_a_short_grace_for_a_finishing_instance_before_it_is_refused()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("one.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnections=1\n");
        _h.WriteUnit("one@.service", "[Service]\nExecStart=/fake/run\nStandardInput=socket\n");
        var socket = _h.Socket("one.socket");
        Assert.True(_h.Start("one.socket").Success);
        var clients = new List<Socket>();
        Socket Connect()
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(client);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return client;
        }
        try
        {
            Connect();
            Assert.True(_h.PumpUntil(() => socket.NConnections == 1));

            // The second arrives at the limit and waits; the first instance ends within the grace: it is served.
            Connect();
            for (int i = 0; i < 5; i++)
                _h.Loop.RunOnce(5);
            _h.Advance(SocketUnit.LimitGrace - TimeSpan.FromMilliseconds(1));
            Assert.Equal((1u, 0u), (socket.NAccepted, socket.NRefused));
            _processes.Started.Where(p => p.Alive).ToList().ForEach(p => p.Exit(0));
            Assert.True(_h.PumpUntil(() => socket.NAccepted == 2 && socket.NConnections == 1), $"{socket.NAccepted} accepted");

            // The third waits the whole grace for an instance that does not end: refused; the fourth at once.
            Connect();
            Assert.True(_h.PumpUntil(() => socket.NRefused == 1, TimeSpan.FromMilliseconds(20)), $"{socket.NRefused} refused");
            Connect();
            Assert.True(_h.PumpUntil(() => socket.NRefused == 2), $"{socket.NRefused} refused");
            Assert.Equal((2u, 1u, SocketState.Listening), (socket.NAccepted, socket.NConnections, socket.State));
            Assert.Equal(2, _h.Lines("one.socket").Count(l => l == "one.socket: Too many incoming connections (1), dropping connection."));
            Assert.Empty(_h.Errors);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
