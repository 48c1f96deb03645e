using System.Net;
using System.Net.Sockets;
using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// daemon-reload under running units, with real sockets and fake children: a socket keeps the fds of unchanged
/// Listen*= lines, binds a moved line before closing the old one, applies options in place or says a restart applies
/// them; a unit whose file is gone or masked is stopped; one whose file no longer loads runs on as it was.
/// </summary>
public sealed class SocketReloadTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private readonly List<Socket> _clients = [];

    public SocketReloadTests() => _h = new ManagerHarness(_processes);

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
        _h.Dispose();
        Assert.Empty(_h.Errors);
    }

    private static string AcceptYes(string listen, string extra = "") =>
        $"[Unit]\nDescription=Echo\n[Socket]\n{listen}\nAccept=yes\nTriggerLimitBurst=0\n{extra}\n";

    private void Reload(string name, string text)
    {
        _h.WriteUnit(name, text);
        _h.Manager.Reload();
        _h.Pump();
    }

    private Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _clients.Add(client);
        client.Connect(IPAddress.Loopback, port);
        return client;
    }

    private static bool Refused(int port)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    private static uint ModeOf(string path) => OperatingSystem.IsWindows() ? 0 : (uint)File.GetUnixFileMode(path);

    [Fact]
    public void Unchanged_lines_keep_the_very_fds_and_Backlog_SocketMode_and_ReusePort_apply_to_them_in_place()
    {
        int port = ManagerHarness.FreePort();
        string path = Path.Combine(_h.Root, "run", "echo.sock");
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{port}\nListenStream={path}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");
        var before = socket.Listeners.Select(l => (l.Socket.Handle.DangerousGetHandle(), l.Socket.Inode)).ToList();
        Assert.Equal(Convert.ToUInt32("666", 8), ModeOf(path));

        Reload("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{port}\nListenStream={path}", "Backlog=7\nSocketMode=0600\nNoDelay=yes\nReusePort=yes").Replace("Echo", "Echo again", StringComparison.Ordinal));

        Assert.Equal("Echo again", socket.Definition.Description);
        Assert.Equal(before, socket.Listeners.Select(l => (l.Socket.Handle.DangerousGetHandle(), l.Socket.Inode)).ToList());
        Assert.Equal(Convert.ToUInt32("600", 8), ModeOf(path));
        Assert.Equal(SocketState.Listening, socket.State);
        using (var beside = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            // ReusePort=yes on the kept socket: another SO_REUSEPORT socket may now bind the same port.
            beside.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));   // SOL_SOCKET, SO_REUSEPORT
            beside.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        Assert.DoesNotContain(_h.Lines("echo.socket"), l => l.Contains("reload", StringComparison.Ordinal));
        Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
    }

    [Fact]
    public void A_moved_address_is_bound_before_the_old_one_closes_and_the_old_one_serves_until_it_is_retired()
    {
        var (socket, oldPort, newPort) = StartThenMove();

        Assert.Equal([$"127.0.0.1:{newPort}"], socket.Listeners.Select(l => l.Spec.Value));
        Assert.Contains($"echo.socket: Listeners changed by the reload: bound ListenStream=127.0.0.1:{newPort}; closed ListenStream=127.0.0.1:{oldPort}; kept 0.", _h.Lines("echo.socket"));
        Connect(newPort);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        Connect(oldPort);   // both accept for a while
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 2));
        Connect(oldPort);   // waits in the old backlog as the old listener's time ends: served, not reset

        _h.Advance(SocketUnit.RetireAfter);

        Assert.Equal(3, _processes.Started.Count);
        Assert.True(Refused(oldPort));
        Connect(newPort);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 4));
    }

    [Fact]
    public void A_re_exec_inside_the_retire_window_serves_the_old_backlog_and_carries_only_the_new_listener()
    {
        var (socket, oldPort, newPort) = StartThenMove();
        Connect(oldPort);   // waits in the retiring listener's backlog when the state is written

        var fds = Summon.Manager.Reexec.CarriedFds.ForWriting();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
            Summon.Manager.Reexec.ReexecUnits.Write(w, _h.Manager, fds);

        Assert.Single(_processes.Started);   // served, not left to be reset when the unclaimed fd is closed
        Assert.True(Refused(oldPort));
        Assert.Equal([$"127.0.0.1:{newPort}"], socket.Listeners.Select(l => l.Spec.Value));
        Assert.Equal(socket.Listeners.Select(l => (int)l.Socket.Handle.DangerousGetHandle()),
            fds.Carried.Where(h => socket.Listeners.Any(l => l.Socket.Handle == h)).Select(h => (int)h.DangerousGetHandle()));
        Assert.DoesNotContain(fds.Carried, h => h.IsClosed);
    }

    [Fact]
    public void A_line_that_comes_back_before_its_listener_is_retired_keeps_that_listener()
    {
        int oldPort = ManagerHarness.FreePort(), newPort = ManagerHarness.FreePort();
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{oldPort}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");
        ulong inode = socket.Listeners[0].Socket.Inode;

        Reload("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{newPort}"));
        Reload("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{oldPort}"));
        _h.Advance(SocketUnit.RetireAfter);

        Assert.Equal([inode], socket.Listeners.Select(l => l.Socket.Inode));
        Assert.True(Refused(newPort));
        Connect(oldPort);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
    }

    [Fact]
    public void A_new_address_that_cannot_be_bound_leaves_the_old_listeners_as_they_were_with_one_line()
    {
        int oldPort = ManagerHarness.FreePort();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        int taken = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{oldPort}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");
        ulong inode = socket.Listeners[0].Socket.Inode;

        Reload("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{taken}"));

        Assert.Equal([inode], socket.Listeners.Select(l => l.Socket.Inode));
        Assert.Contains($"echo.socket: Failed to bind ListenStream=127.0.0.1:{taken} at reload: bind: Address already in use. The socket keeps the listeners it had; fix the address and reload, or restart the socket.", _h.Lines("echo.socket"));
        Connect(oldPort);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
    }

    [Fact]
    public void The_same_port_on_another_address_closes_the_old_one_first_because_the_kernel_refuses_both()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{port}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");

        Reload("echo.socket", AcceptYes($"ListenStream=0.0.0.0:{port}"));

        Assert.Equal([$"0.0.0.0:{port}"], socket.Listeners.Select(l => l.Spec.Value));
        Assert.Contains($"echo.socket: ListenStream=0.0.0.0:{port} cannot be bound beside ListenStream=127.0.0.1:{port} (the kernel refuses both at once): closed the old one first.", _h.Lines("echo.socket"));
        Connect(port);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
    }

    [Fact]
    public void An_option_a_bound_socket_cannot_take_keeps_the_listener_and_says_a_restart_applies_it()
    {
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=[::1]:{port}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");
        ulong inode = socket.Listeners[0].Socket.Inode;

        Reload("echo.socket", AcceptYes($"ListenStream=[::1]:{port}", "BindIPv6Only=ipv6-only\nFreeBind=yes"));

        Assert.Equal([inode], socket.Listeners.Select(l => l.Socket.Inode));
        Assert.Equal(["echo.socket: BindIPv6Only=, FreeBind= changed, but a bound socket cannot take it: the listeners are kept, and 'summon restart echo.socket' applies it."],
            _h.Lines("echo.socket").Where(l => l.Contains("changed", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_changed_trigger_limit_applies_at_the_reload()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nTriggerLimitIntervalSec=1h\nTriggerLimitBurst=1\n");
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");

        Reload("echo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nTriggerLimitIntervalSec=1h\nTriggerLimitBurst=3\n");

        for (int i = 1; i <= 3; i++)
        {
            Connect(port);
            Assert.True(_h.PumpUntil(() => _processes.Started.Count == i));
        }
        Assert.Equal(SocketState.Listening, socket.State);
    }

    [Fact]
    public void An_AcceptNo_service_keeps_its_listeners_and_the_socket_polls_the_new_set_once_it_ends()
    {
        int oldPort = ManagerHarness.FreePort(), newPort = ManagerHarness.FreePort();
        _h.WriteUnit("pass.service", "[Service]\nExecStart=/fake/echo\n");
        _h.WriteUnit("pass.socket", $"[Socket]\nListenStream=127.0.0.1:{oldPort}\n");
        Assert.True(_h.Start("pass.socket").Success);
        var socket = _h.Socket("pass.socket");
        Connect(oldPort);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1 && socket.State == SocketState.Running));
        var service = _processes.Last!;

        Reload("pass.socket", $"[Socket]\nListenStream=127.0.0.1:{newPort}\n");

        Assert.Equal(SocketState.Running, socket.State);
        Assert.True(service.Alive);
        Assert.Contains("pass.socket: pass.service keeps the listeners it was given until it ends; its next start gets the new set, and the socket listens on it once it is gone.", _h.Lines("pass.socket"));
        Connect(newPort);   // bound and queued, not polled while the service runs
        _h.Pump();
        Assert.Single(_processes.Started);

        service.Exit(0);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 2));   // the waiting connection starts it again
        Assert.Equal([$"127.0.0.1:{newPort}"], socket.Listeners.Select(l => l.Spec.Value));
        Assert.True(Refused(oldPort));
    }

    [Fact]
    public void A_running_service_whose_file_is_gone_is_stopped_and_forgotten_and_a_masked_one_likewise()
    {
        _h.WriteUnit("gone.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("masked.service", "[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("gone.service").Success);
        Assert.True(_h.Start("masked.service").Success);
        File.Delete(Path.Combine(_h.UnitDir, "gone.service"));
        File.Delete(Path.Combine(_h.UnitDir, "masked.service"));
        File.CreateSymbolicLink(Path.Combine(_h.UnitDir, "masked.service"), "/dev/null");

        _h.Manager.Reload();

        Assert.True(_h.PumpUntil(() => _h.Manager.Find("gone.service") is null && _h.Manager.Find("masked.service") is null));
        Assert.All(_processes.Started, p => Assert.False(p.Alive));
        Assert.Equal(["gone.service: The unit file is gone since the reload: stopping it.", "Stopping gone.service...", "gone.service: Deactivated successfully.", "Stopped gone.service."],
            _h.Lines("gone.service").SkipWhile(l => l.StartsWith("Start", StringComparison.Ordinal)));
        Assert.Contains("masked.service: The unit file is masked since the reload: stopping it.", _h.Lines("masked.service"));
        Assert.Equal(JobFailure.NotFound, _h.Start("gone.service").Error!.Failure);
        Assert.Equal(JobFailure.Masked, _h.Start("masked.service").Error!.Failure);
    }

    [Fact]
    public void A_file_that_no_longer_loads_leaves_a_running_unit_as_it_was_and_an_inactive_one_refuses_to_start()
    {
        _h.WriteUnit("run.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("idle.service", "[Service]\nExecStart=/fake/run\n");
        Assert.True(_h.Start("run.service").Success);
        _h.Manager.GetOrLoad("idle.service");
        var service = _h.Service("run.service");
        _h.WriteUnit("run.service", "[Service]\nExecStart=/fake/run \"unterminated\n");
        _h.WriteUnit("idle.service", "[Service]\nExecStart=/fake/run \"unterminated\n");

        _h.Manager.Reload();
        _h.Pump();

        Assert.Same(service, _h.Manager.Find("run.service"));
        Assert.Equal((UnitActiveState.Active, "/fake/run"), (service.ActiveState, service.Settings.ExecStart[0].Path));
        Assert.True(_processes.Started[0].Alive);
        var lines = _h.Lines("run.service");
        Assert.Contains(lines, l => l.StartsWith(Path.Combine(_h.UnitDir, "run.service") + ":2: ", StringComparison.Ordinal));
        Assert.Equal("run.service: The new definition does not load (bad-setting, see the lines above): it runs on with the one it was started with.", lines[^1]);
        Assert.Null(_h.Manager.Find("idle.service"));
        Assert.Equal(JobFailure.BadSetting, _h.Start("idle.service").Error!.Failure);

        // Once stopped, the old definition does not start again.
        var stop = _h.Manager.StopJob("run.service");
        Assert.True(_h.PumpUntil(() => stop.IsCompleted && _h.Manager.Find("run.service") is null));
        Assert.Equal(JobFailure.BadSetting, _h.Start("run.service").Error!.Failure);
    }

    /// <summary>An Accept=yes echo.socket listening on one port, then reloaded onto another.</summary>
    private (SocketUnit Socket, int OldPort, int NewPort) StartThenMove()
    {
        int oldPort = ManagerHarness.FreePort(), newPort = ManagerHarness.FreePort();
        _h.WriteUnit("echo@.service", "[Service]\nExecStart=/fake/cat\nStandardInput=socket\n");
        _h.WriteUnit("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{oldPort}"));
        Assert.True(_h.Start("echo.socket").Success);
        var socket = _h.Socket("echo.socket");
        Reload("echo.socket", AcceptYes($"ListenStream=127.0.0.1:{newPort}"));
        return (socket, oldPort, newPort);
    }
}
