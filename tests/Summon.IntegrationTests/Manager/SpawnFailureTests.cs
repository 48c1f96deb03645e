using System.Net;
using System.Net.Sockets;
using Summon.Control;
using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.IntegrationTests.Manager;

/// <summary>
/// A command that cannot start is a unit failure with systemd's status, never an error escaping to the event loop:
/// the connection is closed, its slot given back, and the socket goes on serving (issue 11, item 1).
/// </summary>
public sealed class SpawnFailureTests : IDisposable
{
    private readonly ManagerHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Accept_yes_instance_whose_program_is_not_on_PATH_fails_203_EXEC_and_frees_its_connection()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("typo.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\nMaxConnections=2\n");
        _h.WriteUnit("typo@.service", "[Service]\nExecStart=nonexistent-binary-summon\nStandardInput=socket\n");
        var socket = _h.Socket("typo.socket");
        Assert.True(_h.Start("typo.socket").Success);

        for (int i = 0; i < 4; i++)   // more than MaxConnections=: every slot must come back
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            uint accepted = (uint)i + 1;
            Assert.True(_h.PumpUntil(() => socket.NAccepted == accepted && socket.NConnections == 0), $"connection {i}: {socket.NAccepted} accepted, {socket.NConnections} live");
            client.ReceiveTimeout = 5000;
            Assert.Equal(0, client.Receive(new byte[16]));   // closed by the manager, not left in CLOSE-WAIT
        }
        Assert.Equal((SocketState.Listening, 0u), (socket.State, socket.NRefused));
        Assert.Equal(4, _h.AllLines().Count(l => l.EndsWith(": Main process exited, code=exited, status=203/EXEC", StringComparison.Ordinal)));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task Plain_service_whose_program_is_not_on_PATH_fails_its_start_with_203_EXEC()
    {
        _h.WriteUnit("typo.service", "[Service]\nType=exec\nExecStart=nonexistent-binary-summon\n");
        var service = _h.Service("typo.service");
        var job = _h.Manager.StartJob("typo.service");
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("typo.service", JobFailure.UnitFailed, UnitResult.ExitCode), (await job).Error);
        Assert.Equal((ServiceState.Failed, "code=exited, status=203/EXEC"), (service.State, service.ExecMainStatus.ToString()));
        Assert.Contains("typo.service: Failed at step EXEC spawning nonexistent-binary-summon: No such file or directory", _h.Lines("typo.service"));
        Assert.Empty(_h.Errors);
    }
}
