using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Summon.Interop;
using Summon.Manager;
using Summon.Posix;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// [X-Summon] IdleStopSec= by its timer rules: a fake clock and fake children, real sockets, so the connection count
/// is the kernel's. The test plays the service's part on the passed listener (accepting, closing).
/// </summary>
public sealed class IdleStopTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    /// <summary>Pumps with the fake clock moving by <see cref="Step"/> only while no look is out on a pool thread, so a
    /// slow pool (a loaded machine) cannot make fake time pass that real time would not.</summary>
    private bool PumpLooksUntil(Func<bool> condition) =>
        _h.PumpUntil(() =>
        {
            if (condition())
                return true;
            if (_h.Manager.ConnectionLook.Pending == 0)
                _h.Time.Advance(Step);
            return false;
        });

    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private readonly List<Socket> _sockets = [];

    public IdleStopTests() => _h = new ManagerHarness(_processes);

    public void Dispose()
    {
        foreach (var s in _sockets)
            s.Dispose();
        _h.Dispose();
    }

    [Fact]
    public void The_idle_time_runs_from_the_last_busy_look_and_a_busy_look_starts_it_over()
    {
        var time = new FakeTimeProvider();
        var watch = new IdleWatch(time, TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromMilliseconds(250), watch.CheckInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(10), new IdleWatch(time, TimeSpan.FromMilliseconds(20)).CheckInterval);

        Assert.False(watch.Observe(busy: false));
        var since = time.GetUtcNow();
        Assert.Equal(since, watch.IdleSince);
        Assert.Equal(since + TimeSpan.FromSeconds(2), watch.StopsAt);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(watch.Observe(busy: false));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.Observe(busy: false));

        Assert.False(watch.Observe(busy: true));
        Assert.Null(watch.IdleSince);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(watch.Observe(busy: false));   // the time starts at the first idle look, not at the last busy one
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(watch.Observe(busy: false));
    }

    [Fact]
    public void An_idle_service_is_frozen_counted_stopped_with_IdleStopSignal_and_started_again_by_the_next_connection()
    {
        int port = Units(idle: "2s", extra: "IdleStopSignal=SIGINT\n");
        var (socket, service, client) = Activate(port);

        // Waiting in the queue: busy, however long.
        AdvanceFor(TimeSpan.FromSeconds(6));
        Assert.Equal(ServiceState.Running, service.State);
        Assert.Null(socket.IdleSince);

        // Accepted and open: busy.
        var accepted = AcceptOn(socket);
        AdvanceFor(TimeSpan.FromSeconds(6));
        Assert.Equal(ServiceState.Running, service.State);
        Assert.Empty(_processes.Sent);

        // Closed: the idle time starts at the next look and the service stops IdleStopSec= later.
        accepted.Dispose();
        client.Dispose();
        Assert.True(PumpLooksUntil(() => socket.IdleSince is not null));
        var since = socket.IdleSince!.Value;
        Assert.Equal(since + TimeSpan.FromSeconds(2), socket.IdleStopsAt);
        Assert.True(PumpLooksUntil(() => _processes.Sent.Any(s => s.Signal == Signals.SIGSTOP)));
        Assert.True(_h.Time.GetUtcNow() - since >= TimeSpan.FromSeconds(2));
        Assert.True(_h.Time.GetUtcNow() - since <= TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(300));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Dead, Step));

        // SIGSTOP, then the stop signal while it is held, then SIGCONT: it never runs between the last count and the signal.
        int[] signals = [.. _processes.Sent.Select(s => s.Signal)];
        int stop = Array.IndexOf(signals, Signals.SIGSTOP), interrupt = Array.IndexOf(signals, Signals.SIGINT), cont = Array.IndexOf(signals, Signals.SIGCONT);
        Assert.True(stop >= 0 && interrupt > stop && cont > interrupt, string.Join(' ', signals));
        Assert.DoesNotContain(Signals.SIGTERM, signals);
        Assert.Equal(1u, socket.NIdleStops);
        Assert.Equal(SocketState.Listening, socket.State);
        Assert.Contains(_h.Lines("idle.socket"), l => l.Contains("No connection for IdleStopSec=2s, stopping idle.service", StringComparison.Ordinal));

        // The next connection starts it again.
        _ = Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 2));
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_connection_that_arrives_while_the_service_is_frozen_thaws_it_and_the_count_starts_over()
    {
        int port = Units(idle: "1s");
        var socket = _h.Socket("idle.socket");
        Assert.True(_h.Start("idle.socket").Success);
        var first = Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        var service = _h.Service("idle.service");
        AcceptOn(socket).Dispose();
        first.Dispose();
        Assert.True(_h.PumpUntil(() => _processes.Sent.Any(s => s.Signal == Signals.SIGSTOP), TimeSpan.FromMilliseconds(10)));
        Assert.True(_processes.Started[0].Stopped);

        // It arrives between the freeze and the last count: the service is thawed and keeps running.
        var late = Connect(port);
        _h.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(_h.PumpUntil(() => !_processes.Started[0].Stopped));   // the last look answers from a pool thread
        Assert.Equal(ServiceState.Running, service.State);
        Assert.Equal(0u, socket.NIdleStops);
        Assert.Null(socket.IdleSince);
        late.Dispose();
    }

    [Fact]
    public void A_stop_job_while_the_service_is_frozen_thaws_it_after_the_stop_signal()
    {
        int port = Units(idle: "1s");
        var socket = _h.Socket("idle.socket");
        Assert.True(_h.Start("idle.socket").Success);
        var first = Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        var service = _h.Service("idle.service");
        _processes.Started[0].Ignores.Add(Signals.SIGTERM);
        AcceptOn(socket).Dispose();
        first.Dispose();
        Assert.True(_h.PumpUntil(() => _processes.Started[0].Stopped, TimeSpan.FromMilliseconds(10)));

        _ = _h.Manager.StopJob("idle.service");
        _h.Pump();
        Assert.False(_processes.Started[0].Stopped);
    }

    [Fact]
    public void The_count_runs_off_the_loop_one_look_at_a_time_and_the_loop_serves_other_units_meanwhile()
    {
        int port = Units(idle: "1s");
        _h.WriteUnit("other.service", "[Service]\nExecStart=/fake/other\n");
        int loopThread = Environment.CurrentManagedThreadId, looks = 0, lookThread = 0;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _h.Manager.ConnectionLook = new ConnectionLook(_h.Loop, sockets =>
        {
            Interlocked.Increment(ref looks);
            lookThread = Environment.CurrentManagedThreadId;
            entered.Set();
            // Bounded: a look run on the loop's thread would otherwise hang the test instead of failing it.
            release.Wait(TimeSpan.FromSeconds(5));
            return ConnectionLook.AnyOpen(sockets);
        });
        var (socket, service) = ServeOneConnection(port);
        Assert.True(_h.PumpUntil(() => entered.IsSet, Step));
        Assert.NotEqual(loopThread, lookThread);
        // While the look is held: another unit starts, and the checks falling due start no second look.
        Assert.True(_h.Start("other.service").Success);
        AdvanceFor(TimeSpan.FromSeconds(3));
        Assert.Equal(1, Volatile.Read(ref looks));
        Assert.Equal(ServiceState.Running, service.State);
        Assert.False(_processes.Started[0].Stopped);

        release.Set();
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Dead, Step));
        Assert.Equal(1u, socket.NIdleStops);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void The_last_look_answering_after_the_socket_stopped_is_dropped_and_the_service_thawed()
    {
        int port = Units(idle: "1s");
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _h.Manager.ConnectionLook = new ConnectionLook(_h.Loop, sockets =>
        {
            if (_processes.Started[0].Stopped)   // the look after the freeze is held
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(5));
            }
            return ConnectionLook.AnyOpen(sockets);
        });
        var (socket, service) = ServeOneConnection(port);
        Assert.True(_h.PumpUntil(() => entered.IsSet, TimeSpan.FromMilliseconds(10)));

        var stop = _h.Manager.StopJob("idle.socket");
        Assert.True(_h.PumpUntil(() => stop.IsCompleted));
        release.Set();
        Assert.True(_h.PumpUntil(() => !_processes.Started[0].Stopped));
        _h.Pump();
        Assert.Equal(0u, socket.NIdleStops);
        Assert.Equal(ServiceState.Running, service.State);
        Assert.DoesNotContain(_h.Lines("idle.socket"), l => l.Contains("stopping idle.service", StringComparison.Ordinal));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void IdleStopSec_is_refused_with_a_warning_on_Accept_yes_and_datagram_sockets()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("many.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n\n[X-Summon]\nIdleStopSec=1s\n");
        _h.WriteUnit("many@.service", "[Service]\nExecStart=/fake/x\n");
        _h.WriteUnit("dgram.socket", $"[Socket]\nListenDatagram=127.0.0.1:{ManagerHarness.FreePort()}\n\n[X-Summon]\nIdleStopSec=1s\n");
        _h.WriteUnit("dgram.service", "[Service]\nExecStart=/fake/x\n");
        Assert.True(_h.Start("many.socket").Success);
        Assert.True(_h.Start("dgram.socket").Success);
        Assert.Contains(_h.Lines("many.socket"), l => l.Contains("IdleStopSec= applies to Accept=no sockets only", StringComparison.Ordinal));
        Assert.Contains(_h.Lines("dgram.socket"), l => l.Contains("IdleStopSec= needs connection listeners only", StringComparison.Ordinal));
    }

    private int Units(string idle, string extra = "")
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("idle.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n\n[X-Summon]\nIdleStopSec={idle}\n{extra}");
        _h.WriteUnit("idle.service", "[Service]\nExecStart=/fake/idle\n");
        return port;
    }

    /// <summary>Starts idle.socket and connects: the service starts for that connection and runs.</summary>
    private (SocketUnit Socket, ServiceUnit Service, Socket Client) Activate(int port)
    {
        var socket = _h.Socket("idle.socket");
        Assert.True(_h.Start("idle.socket").Success);
        var client = Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        var service = _h.Service("idle.service");
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        return (socket, service, client);
    }

    /// <summary>Like <see cref="Activate"/>, then the service accepts the connection and it closes.</summary>
    private (SocketUnit Socket, ServiceUnit Service) ServeOneConnection(int port)
    {
        var (socket, service, client) = Activate(port);
        AcceptOn(socket).Dispose();
        client.Dispose();
        return (socket, service);
    }

    private Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(client);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    /// <summary>What the service would do: accept on the listener it was given.</summary>
    private unsafe SafeFdHandle AcceptOn(SocketUnit socket)
    {
        var listener = socket.Listeners[0].Socket.Handle;
        for (int i = 0; i < 100; i++)
        {
            int fd = Libc.Accept4(listener, null, null, Libc.SOCK_CLOEXEC);
            if (fd >= 0)
                return new SafeFdHandle(fd);
            Thread.Sleep(10);
        }
        throw new InvalidOperationException("nothing to accept");
    }

    private void AdvanceFor(TimeSpan total)
    {
        for (var t = TimeSpan.Zero; t < total; t += Step)
            _h.Advance(Step);
    }
}
