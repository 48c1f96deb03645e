using System.Net;
using System.Net.Sockets;
using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Processes;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// A start whose User= lookup (NSS: LDAP, sssd) has not answered waits for it without holding the event loop and
/// without failing: the unit stays activating, the start resumes on the loop when the answer comes, and the
/// start's own timeout bounds the wait (issue 11, item 2). The lookup here hangs until the test releases it.
/// </summary>
public sealed class CredentialWaitTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly ManagerHarness _h;

    public CredentialWaitTests() => _h = new ManagerHarness(_processes, (user, group, groups) =>
    {
        _release.Wait();
        if (user == "gone")
            throw new SpawnException("", Errno.ESRCH, ExitStatusNames.User);
        return ExecCredentials.Resolve("root", null, [], "");
    });

    public void Dispose()
    {
        _release.Set();
        _h.Dispose();
        _release.Dispose();
    }

    [Fact]
    public async Task A_start_waiting_for_its_user_stays_activating_other_units_go_on_and_it_starts_once_the_lookup_answers()
    {
        _h.WriteUnit("ldap.service", "[Service]\nUser=hung\nExecStart=/fake/run\n");
        _h.WriteUnit("other.service", "[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("ldap.service");
        var job = _h.Manager.StartJob("ldap.service");
        _h.Pump();
        Assert.Equal((ServiceState.Start, UnitActiveState.Activating, false), (service.State, service.ActiveState, job.IsCompleted));
        Assert.Empty(_processes.Started);

        Assert.True(_h.Start("other.service").Success);
        Assert.Equal(UnitActiveState.Active, _h.Service("other.service").ActiveState);
        Assert.Equal(UnitActiveState.Activating, service.ActiveState);

        _release.Set();
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        Assert.Equal((ServiceState.Running, 0u), (service.State, _processes.Last!.Request!.Uid));
        Assert.Equal(service.MainPid, _processes.Last.Pid);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task TimeoutStartSec_bounds_the_wait_with_result_timeout_and_the_late_answer_starts_nothing()
    {
        _h.WriteUnit("ldap.service", "[Unit]\nDescription=Waits for LDAP\n[Service]\nUser=hung\nExecStart=/fake/run\nTimeoutStartSec=5s\n");
        var service = _h.Service("ldap.service");
        var job = _h.Manager.StartJob("ldap.service");
        _h.Pump();
        _h.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal((ServiceState.Start, false), (service.State, job.IsCompleted));

        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("ldap.service", JobFailure.UnitFailed, "timeout"), (await job).Error);
        Assert.Equal((ServiceState.Failed, "timeout"), (service.State, service.Result));
        Assert.Equal(
            [
                "ldap.service: start operation timed out. Terminating.",
                "ldap.service: Failed with result 'timeout'.",
                "Failed to start ldap.service - Waits for LDAP.",
            ],
            _h.Lines("ldap.service"));

        AnswerAndPump(service);
        Assert.Empty(_processes.Started);
        Assert.Equal(ServiceState.Failed, service.State);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_stop_during_the_wait_leaves_nothing_and_the_late_answer_starts_nothing()
    {
        _h.WriteUnit("ldap.service", "[Service]\nUser=hung\nExecStartPre=/fake/exit 0\nExecStart=/fake/run\n");
        var service = _h.Service("ldap.service");
        var job = _h.Manager.StartJob("ldap.service");
        _h.Pump();
        Assert.Equal(ServiceState.StartPre, service.State);   // ExecStartPre= waits for the lookup too

        var stop = _h.Manager.StopJob("ldap.service");
        Assert.True(_h.PumpUntil(() => stop.IsCompleted && job.IsCompleted));
        Assert.Equal((ServiceState.Dead, 0, 0), (service.State, service.MainPid, service.ControlPid));

        AnswerAndPump(service);
        Assert.Empty(_processes.Started);
        Assert.Equal(ServiceState.Dead, service.State);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task ExecStartPre_and_a_oneshot_ExecStart_run_once_the_lookup_answers()
    {
        _h.WriteUnit("ldap.service", "[Service]\nType=oneshot\nUser=hung\nExecStartPre=/fake/exit 0\nExecStart=/fake/exit 0\nExecStart=/fake/exit 0\n");
        var service = _h.Service("ldap.service");
        var job = _h.Manager.StartJob("ldap.service");
        _h.Pump();
        Assert.Equal((ServiceState.StartPre, UnitActiveState.Activating), (service.State, service.ActiveState));
        Assert.Empty(_processes.Started);

        _release.Set();
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        Assert.Equal(3, _processes.Started.Count);
        Assert.All(_processes.Started, p => Assert.Equal(0u, p.Request!.Uid));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void An_unknown_user_fails_217_USER_once_the_lookup_answers()
    {
        _h.WriteUnit("gone.service", "[Service]\nUser=gone\nExecStart=/fake/run\n");
        var service = _h.Service("gone.service");
        var job = _h.Manager.StartJob("gone.service");
        _h.Pump();
        Assert.Equal(ServiceState.Start, service.State);

        _release.Set();
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Failed));
        Assert.Equal(("exit-code", "code=exited, status=217/USER"), (service.Result, service.ExecMainStatus.ToString()));
        Assert.Contains("gone.service: Failed to determine user credentials: No such process", _h.Lines("gone.service"));
        Assert.Contains("gone.service: Failed at step USER spawning /fake/run: No such process", _h.Lines("gone.service"));
        Assert.Empty(_processes.Started);
        Assert.True(job.IsCompleted);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void An_accepted_connection_waits_with_its_instance_and_a_stop_or_socket_stop_during_the_wait_leaks_nothing()
    {
        int port = ManagerHarness.FreePort();
        _h.WriteUnit("ldap.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        _h.WriteUnit("ldap@.service", "[Service]\nUser=hung\nExecStart=/fake/run\nStandardInput=socket\n");
        var socket = _h.Socket("ldap.socket");
        Assert.True(_h.Start("ldap.socket").Success);

        // Stopping the waiting instance closes its connection and forgets it.
        using (var client = Connect(port))
        {
            Assert.True(_h.PumpUntil(() => socket.Instances.Count == 1));
            var instance = socket.Instances[0];
            _h.Pump();
            Assert.Equal((ServiceState.Start, UnitActiveState.Activating), (instance.State, instance.ActiveState));
            var stop = _h.Manager.StopJob(instance.Id);
            Assert.True(_h.PumpUntil(() => stop.IsCompleted));
            Assert.Equal(0, client.Receive(new byte[1]));   // the manager's copy is closed: end of file
            Assert.Equal((0, 0u), (socket.Instances.Count, socket.NConnections));
            Assert.DoesNotContain(_h.Manager.Units, u => u.Id == instance.Id);
        }

        // The socket stopped while an instance waits: the instance keeps its connection, as a running one would,
        // and is served once the lookup answers.
        using (var client = Connect(port))
        {
            Assert.True(_h.PumpUntil(() => socket.Instances.Count == 1));
            var instance = socket.Instances[0];
            Assert.True(_h.Manager.Stop("ldap.socket").Success);
            _h.Pump();
            Assert.Equal(ServiceState.Start, instance.State);
            Assert.Empty(_processes.Started);

            _release.Set();
            Assert.True(_h.PumpUntil(() => instance.State == ServiceState.Running));
            var main = _processes.Last!;
            Assert.NotNull(main.Request!.Stdin);
            main.Exit(0);
            Assert.True(_h.PumpUntil(() => socket.Instances.Count == 0));
            Assert.Equal(0, client.Receive(new byte[1]));
            Assert.DoesNotContain(_h.Manager.Units, u => u.Id == instance.Id);
        }
        Assert.Empty(_h.Errors);
    }

    private void AnswerAndPump(ServiceUnit service)
    {
        _release.Set();
        Assert.True(_h.PumpUntil(() => _h.Manager.ExecBuilder.Credentials.Answered(service.Settings.Exec)));
        _h.Pump();
    }

    private static Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20_000 };
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }
}
