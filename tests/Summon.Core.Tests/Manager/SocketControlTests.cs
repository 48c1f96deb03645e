using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// A socket's ExecStartPre/Post= and ExecStopPre/Post= through the process seam and a fake clock: the states they run
/// in, what a failure or a timeout leads to, and what `show` says of them.
/// </summary>
public sealed class SocketControlTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public SocketControlTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    private string Unit(string exec) => $"""
        [Unit]
        Description=Control
        [Socket]
        ListenStream=127.0.0.1:{ManagerHarness.FreePort()}
        TimeoutSec=5s
        {exec}
        """;

    [Fact]
    public async Task A_failing_ExecStartPost_stops_the_socket_through_stop_post_and_fails_it_with_exit_code()
    {
        _h.WriteUnit("ctl.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("ctl.socket", Unit("ExecStartPre=/fake/run pre\nExecStartPost=/fake/run post\nExecStopPost=/fake/run stop-post"));
        var socket = _h.Socket("ctl.socket");
        var job = _h.Manager.StartJob("ctl.socket");
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        Assert.Equal((SocketState.StartPre, UnitActiveState.Activating, 0), (socket.State, socket.ActiveState, socket.Listeners.Count));
        _processes.Last!.Exit(0);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 2));
        Assert.Equal((SocketState.StartPost, 1, _processes.Last!.Pid), (socket.State, socket.Listeners.Count, socket.ControlPid));   // bound before start-post
        _processes.Last!.Exit(1);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 3));
        Assert.Equal((SocketState.StopPost, 0), (socket.State, socket.Listeners.Count));   // closed before stop-post
        Assert.Equal(["/fake/run", "stop-post"], _processes.Last!.Request!.Argv);
        _processes.Last!.Exit(0);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal((SocketState.Failed, "exit-code"), (socket.State, socket.Result));
        Assert.False((await job).Success);
        Assert.Equal(
            [
                "ctl.socket: Control process exited, code=exited, status=1/FAILURE",
                "ctl.socket: Failed with result 'exit-code'.",
                "Failed to listen on ctl.socket - Control.",
            ],
            _h.Lines("ctl.socket"));
        var show = UnitProperties.Of(socket, _h.Manager).Properties;
        var post = Assert.Single(show, p => p.Name == "ExecStartPost").Value;
        Assert.Contains($"pid={_processes.Started[1].Pid} ; code=exited ; status=1 }}", post, StringComparison.Ordinal);
        Assert.Contains(show, p => p.Name == "ControlPID" && p.Value == "0");
    }

    [Fact]
    public void A_hanging_ExecStartPre_is_terminated_at_TimeoutSec_then_killed_and_the_socket_fails_with_timeout()
    {
        _h.WriteUnit("ctl.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("ctl.socket", Unit("ExecStartPre=/fake/stubborn"));
        var socket = _h.Socket("ctl.socket");
        var job = _h.Manager.StartJob("ctl.socket");
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        var pre = _processes.Last!;
        _h.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal(SocketState.StartPre, socket.State);
        _h.Advance(TimeSpan.FromMilliseconds(1));
        _h.Pump();
        Assert.Equal((SocketState.FinalSigterm, UnitActiveState.Deactivating), (socket.State, socket.ActiveState));
        _h.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal([(pre.Pid, Signals.SIGTERM, true), (pre.Pid, Signals.SIGKILL, true)], _processes.Sent);
        Assert.Equal((SocketState.Failed, "timeout", 0), (socket.State, socket.Result, socket.Listeners.Count));
        Assert.Equal(
            [
                "ctl.socket: Starting timed out. Terminating.",
                "ctl.socket: Stopping timed out (2). Killing.",
                "ctl.socket: Control process exited, code=killed, status=9/KILL",
                "ctl.socket: Failed with result 'timeout'.",
                "Failed to listen on ctl.socket - Control.",
            ],
            _h.Lines("ctl.socket"));
    }

    [Fact]
    public void Cockpit_shape_ignored_ExecStartPost_failure_listens_and_stop_runs_ExecStopPre_open_then_ExecStopPost_closed()
    {
        // cockpit.socket (Debian's cockpit-ws): ExecStartPost=-… twice, ExecStopPost=-….
        _h.WriteUnit("ctl.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("ctl.socket", Unit("ExecStartPost=-/fake/exit 1\nExecStartPost=-/fake/exit 0\nExecStopPre=/fake/run stop-pre\nExecStopPost=-/fake/exit 2"));
        var socket = _h.Socket("ctl.socket");
        Assert.True(_h.Start("ctl.socket").Success);
        Assert.True(_h.PumpUntil(() => socket.State == SocketState.Listening));
        Assert.Equal(2, _processes.Started.Count);
        var stop = _h.Manager.StopJob("ctl.socket");
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 3));
        Assert.Equal((SocketState.StopPre, 1), (socket.State, socket.Listeners.Count));   // still open in stop-pre
        _processes.Last!.Exit(0);
        Assert.True(_h.PumpUntil(() => stop.IsCompleted));
        Assert.Equal(4, _processes.Started.Count);
        Assert.Equal((SocketState.Dead, "success", 0), (socket.State, socket.Result, socket.Listeners.Count));
        Assert.Equal(["ctl.socket: Deactivated successfully.", "Closed ctl.socket - Control."], _h.Lines("ctl.socket")[^2..]);
    }

    [Fact]
    public void A_socket_without_control_commands_never_enters_a_control_state()
    {
        _h.WriteUnit("ctl.service", "[Service]\nExecStart=/fake/run\n");
        _h.WriteUnit("ctl.socket", Unit(""));
        var socket = _h.Socket("ctl.socket");
        Assert.True(_h.Start("ctl.socket").Success);
        Assert.Equal(SocketState.Listening, socket.State);
        Assert.True(_h.Manager.StopJob("ctl.socket").IsCompleted);
        Assert.Equal(SocketState.Dead, socket.State);
        Assert.Empty(_processes.Started);
    }
}
