using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Summon.Interop;
using Summon.Manager;
using Summon.Manager.Reexec;
using Summon.Processes;
using Summon.Sockets;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Reexec;

/// <summary>
/// The units' half of daemon-reexec in one process: units driven through their state machines (fake processes, fake
/// clock, real sockets), written as the old manager writes them, checked, and restored into a second manager on
/// the same clock, as the new image does after execve (<see cref="CarriedFds.HandOverInProcess"/> stands for execve).
/// What `show` shows must be the same, and every state machine must go on from where it was.
/// </summary>
public sealed class ReexecRoundTripTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _before;
    private ManagerHarness? _after;
    private readonly List<Socket> _clients = [];

    public ReexecRoundTripTests() => _before = new ManagerHarness(_processes);

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
        _after?.Dispose();
        _before.Abandon();
    }

    private Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        _clients.Add(client);
        return client;
    }

    private static readonly string[] Units = ["web.socket", "web.service", "echo.socket", "crash.service", "ready.service", "store.service", "stopping.service"];

    private void WriteUnits(ManagerHarness h, int webPort, int echoPort)
    {
        h.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{webPort}\n");
        h.WriteUnit("web.service", "[Service]\nExecStart=/fake/run\nWatchdogSec=100s\nNotifyAccess=all\n");
        h.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{echoPort}\nAccept=yes\nMaxConnections=2\n");
        h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/run\n");
        h.WriteUnit("crash.service", "[Service]\nExecStart=/fake/exit 1\nRestart=on-failure\nRestartSec=1s\nRestartSteps=4\nRestartMaxDelaySec=16s\n");
        h.WriteUnit("ready.service", "[Service]\nType=notify\nExecStart=/fake/run\nTimeoutStartSec=60s\n");
        h.WriteUnit("store.service", "[Service]\nType=notify\nExecStart=/fake/run\nFileDescriptorStoreMax=4\nRestart=always\nRestartSec=1s\n");
        h.WriteUnit("stopping.service", "[Service]\nExecStart=/fake/run\nExecStop=/fake/run\nTimeoutStopSec=40s\n");
    }

    /// <summary>Each unit's show properties, with the harness's own directory written the same for both.</summary>
    private static List<string> Show(ManagerHarness h, string unit) =>
        [.. Summon.Manager.UnitProperties.Of(h.Manager.GetOrLoad(unit)!, h.Manager).Properties
            .Select(p => $"{p.Name}={p.Value.Replace(h.Root, "ROOT", StringComparison.Ordinal)}")];

    private static (JsonDocument State, CarriedFds Fds) WriteState(ManagerHarness h)
    {
        var fds = CarriedFds.ForWriting();
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
            ReexecUnits.Write(w, h.Manager, fds);
        return (JsonDocument.Parse(buffer.WrittenMemory), fds);
    }

    [Fact]
    public void Every_unit_shows_the_same_after_the_re_exec_and_its_state_machine_goes_on()
    {
        int webPort = ManagerHarness.FreePort(), echoPort = ManagerHarness.FreePort();
        WriteUnits(_before, webPort, echoPort);
        var h = _before;

        // web: an Accept=no socket whose service runs with its listener, a watchdog pending and a STATUS=.
        Assert.True(h.Start("web.socket").Success);
        Connect(webPort);
        Assert.True(h.PumpUntil(() => h.Socket("web.socket").State == SocketState.Running));
        var web = h.Service("web.service");
        web.OnNotify(new NotifyMessage(web.MainPid, 0, "STATUS=serving", []));
        // echo: two Accept=yes connections, each with its running instance.
        Assert.True(h.Start("echo.socket").Success);
        Connect(echoPort);
        Connect(echoPort);
        Assert.True(h.PumpUntil(() => h.Socket("echo.socket").NConnections == 2));
        // ready: Type=notify, starting, its start job in flight.
        _ = h.Manager.StartJob("ready.service");
        var ready = h.Service("ready.service");
        Assert.True(h.PumpUntil(() => ready.State == ServiceState.Start));
        // store: running with two fds in its store.
        _ = h.Manager.StartJob("store.service");
        var store = h.Service("store.service");
        Assert.True(h.PumpUntil(() => store.State == ServiceState.Start));
        store.OnNotify(new NotifyMessage(store.MainPid, 0, "READY=1", []));
        Assert.True(h.PumpUntil(() => store.State == ServiceState.Running));
        var (storedRead, storedWrite) = ChildStdio.CreatePipe(nonBlocking: true);
        store.OnNotify(new NotifyMessage(store.MainPid, 0, "FDSTORE=1\nFDNAME=pipe", [storedRead, storedWrite]));
        // stopping: its ExecStop= running as the control process, TimeoutStopSec= pending.
        Assert.True(h.Start("stopping.service").Success);
        var stopping = h.Service("stopping.service");
        _ = h.Manager.StopJob("stopping.service");
        Assert.True(h.PumpUntil(() => stopping.State == ServiceState.Stop && stopping.ControlPid != 0));
        var stopBegan = h.Time.GetUtcNow();
        // crash: failing, its back-off grown one step, a restart pending.
        var crash = h.Service("crash.service");
        _ = h.Manager.StartJob("crash.service");
        Assert.True(h.PumpUntil(() => crash.State == ServiceState.AutoRestart));
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(h.PumpUntil(() => crash.State == ServiceState.AutoRestart && crash.NRestarts == 1));
        var restartDue = crash.NextRestartAt!.Value;

        var shown = Units.Concat(h.Socket("echo.socket").Instances.Select(i => i.Id)).ToDictionary(u => u, u => Show(h, u));
        var (state, written) = WriteState(h);
        using var stateDocument = state;
        ReexecUnits.Check(state.RootElement);

        // execve: the same clock, the same children; a new manager over the same unit files.
        var received = written.HandOverInProcess();
        _after = new ManagerHarness(_processes, time: _before.Time);
        var a = _after;
        WriteUnits(a, webPort, echoPort);
        ReexecUnits.Restore(state.RootElement, a.Manager, received);
        Assert.Empty(received.Unclaimed);
        foreach (var (unit, properties) in shown)
            Assert.Equal(properties, Show(a, unit));

        // The state machines go on. ready: READY=1 ends its start job, installed again in the new manager.
        var readyAfter = a.Service("ready.service");
        Assert.Equal(["ready.service/start", "stopping.service/stop"], a.Manager.Jobs.Queued.Select(j => j.Name).Order(StringComparer.Ordinal));
        readyAfter.OnNotify(new NotifyMessage(readyAfter.MainPid, 0, "READY=1", []));
        Assert.True(a.PumpUntil(() => readyAfter.State == ServiceState.Running && a.Manager.Jobs.Installed(readyAfter) is null));

        // echo: an instance ends, the count drops; a new connection is instance number 2, as NAccepted says.
        var echo = a.Socket("echo.socket");
        var first = echo.Instances[0];
        _processes.Started.First(p => p.Pid == first.MainPid).Exit(0);
        Assert.True(a.PumpUntil(() => echo.NConnections == 1));
        Connect(echoPort);
        Assert.True(a.PumpUntil(() => echo.NConnections == 2 && echo.NAccepted == 3));
        Assert.StartsWith("echo@2-", echo.Instances[^1].Id, StringComparison.Ordinal);

        // web: the listener is the carried one; once its service ends the socket polls it again.
        var webSocket = a.Socket("web.socket");
        var webAfter = a.Service("web.service");
        Assert.Equal(SocketState.Running, webSocket.State);
        _processes.Started.First(p => p.Pid == webAfter.MainPid).Exit(0);
        Assert.True(a.PumpUntil(() => webSocket.State == SocketState.Listening));
        Connect(webPort);
        Assert.True(a.PumpUntil(() => webSocket.State == SocketState.Running && webAfter.MainPid != 0));
        Assert.Equal(webSocket.Listeners[0].Socket.Handle, Assert.Single(_processes.Last!.Request!.PassFds));

        // crash: the restart falls due when it was due, and the back-off goes on from its step.
        var crashAfter = a.Service("crash.service");
        Assert.Equal((1u, 1u, ServiceState.AutoRestart), (crashAfter.NRestarts, crashAfter.BackoffStep, crashAfter.State));
        a.Advance(restartDue - a.Time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1u, crashAfter.NRestarts);
        a.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(a.PumpUntil(() => crashAfter.NRestarts == 2 && crashAfter.BackoffStep == 2));

        // store: its next main process gets the stored fds back.
        var storeAfter = a.Service("store.service");
        Assert.Equal(["pipe", "pipe"], storeAfter.StoredFdNames);
        _processes.Started.First(p => p.Pid == storeAfter.MainPid).Exit(1);
        Assert.True(a.PumpUntil(() => storeAfter.State == ServiceState.AutoRestart));
        a.Advance(TimeSpan.FromSeconds(1));
        Assert.True(a.PumpUntil(() => storeAfter.MainPid != 0 && storeAfter.State == ServiceState.Start));
        Assert.Contains("LISTEN_FDNAMES=pipe:pipe", _processes.Last!.Request!.Environment);

        // stopping: the control process is still watched, and TimeoutStopSec= falls due 40 s after the stop began.
        var stoppingAfter = a.Service("stopping.service");
        Assert.Equal(ServiceState.Stop, stoppingAfter.State);
        a.Advance(stopBegan + TimeSpan.FromSeconds(40) - a.Time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ServiceState.Stop, stoppingAfter.State);
        a.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(a.PumpUntil(() => stoppingAfter.State != ServiceState.Stop));
        Assert.Equal("timeout", stoppingAfter.Result);
        Assert.Empty(a.Errors);
        Assert.Empty(h.Errors);
    }
}
