using Summon.Control;
using Summon.Manager;
using Summon.Processes;
using Summon.Tests;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// A command whose service directories sit on a file system that never answers (a dead NFS mount: here a FUSE mount
/// whose server never replies) waits for them in its unit's state without holding the event loop: the unit stays
/// activating, other units start meanwhile, TimeoutStartSec= ends the wait with result timeout, and a mount that gives
/// up fails the command with systemd's status and words. Their removal at the unit's end never holds the loop either,
/// and the next start waits for it. An EnvironmentFile= on a FIFO nobody writes holds its unit alone the same way. A
/// loop that blocks fails the test (the mount is dropped, or the FIFO written, to let it go).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DirectoryWaitTests : IDisposable
{
    /// <summary>Bounds a pump the hung mount could hold; never an assertion about timing.</summary>
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(20);
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;
    private HungMount? _mount;

    public DirectoryWaitTests() => _h = new ManagerHarness(_processes, (user, group, groups) => ExecCredentials.Resolve(user, group, groups, ""));

    public void Dispose()
    {
        _mount?.Dispose();
        _h.Dispose();
    }

    private string Dirs(string relative) => Path.Combine(_h.Root, "dirs", relative);

    /// <summary>Runs <paramref name="loopWork"/> (which runs the loop) on another thread; if the loop is still held
    /// after <see cref="Held"/>, lets it go (<paramref name="release"/>, else drops the mount) and fails.</summary>
    private void Guarded(Action loopWork, Action? release = null)
    {
        var work = Task.Run(loopWork);
        if (work.Wait(Held))
        {
            work.GetAwaiter().GetResult();
            return;
        }
        (release ?? (() => _mount?.Dispose()))();
        work.Wait(Held);
        Assert.Fail("the event loop blocked on the disk");
    }

    [HungMountFact]
    public async Task A_start_whose_state_directory_hangs_stays_activating_while_other_units_start_and_fails_with_238_when_the_mount_gives_up()
    {
        _mount = new HungMount(Dirs("var/lib"));
        _h.WriteUnit("nfs.service", "[Service]\nType=oneshot\nExecStart=/fake/exit 0\nStateDirectory=data\n");
        _h.WriteUnit("other.service", "[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("nfs.service");
        var job = _h.Manager.StartJob("nfs.service");
        Guarded(() => _h.Pump());
        Assert.Equal((ServiceState.Start, UnitActiveState.Activating, false), (service.State, service.ActiveState, job.IsCompleted));
        Assert.Empty(_processes.Started);

        Guarded(() => Assert.True(_h.Start("other.service").Success));
        Assert.Equal(UnitActiveState.Active, _h.Service("other.service").ActiveState);
        Assert.Equal(UnitActiveState.Activating, service.ActiveState);

        _mount.Dispose();   // the server is gone: the sleeping mkdir fails with ENOTCONN
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.Equal(new JobError("nfs.service", JobFailure.UnitFailed, "exit-code"), (await job).Error);
        Assert.Equal((UnitActiveState.Failed, "code=exited, status=238/STATE_DIRECTORY"), (service.ActiveState, service.ExecMainStatus.ToString()));
        Assert.Equal(
            [
                $"nfs.service: Failed to set up special execution directory in {Dirs("var/lib")}: Transport endpoint is not connected",
                "nfs.service: Failed at step STATE_DIRECTORY spawning /fake/exit: Transport endpoint is not connected",
                "nfs.service: Main process exited, code=exited, status=238/STATE_DIRECTORY",
            ],
            _h.Lines("nfs.service").Take(3));
        Assert.Single(_processes.Started);   // other.service's alone
        Assert.Empty(_h.Errors);
    }

    [HungMountFact]
    public async Task TimeoutStartSec_ends_a_start_held_in_its_directories_with_result_timeout_and_the_late_answer_starts_nothing()
    {
        _mount = new HungMount(Dirs("var/lib"));
        _h.WriteUnit("nfs.service", "[Unit]\nDescription=State on NFS\n[Service]\nExecStart=/fake/run\nStateDirectory=data\nTimeoutStartSec=5s\n");
        var service = _h.Service("nfs.service");
        var job = _h.Manager.StartJob("nfs.service");
        Guarded(() => _h.Pump());
        Guarded(() => _h.Advance(TimeSpan.FromMilliseconds(4999)));
        Assert.Equal((ServiceState.Start, false), (service.State, job.IsCompleted));

        Guarded(() => _h.Advance(TimeSpan.FromMilliseconds(1)));
        Guarded(() => Assert.True(_h.PumpUntil(() => job.IsCompleted)));
        Assert.Equal(new JobError("nfs.service", JobFailure.UnitFailed, "timeout"), (await job).Error);
        Assert.Equal((ServiceState.Failed, "timeout"), (service.State, service.Result));
        Assert.Equal(
            [
                "nfs.service: start operation timed out. Terminating.",
                "nfs.service: Failed with result 'timeout'.",
                "Failed to start nfs.service - State on NFS.",
            ],
            _h.Lines("nfs.service"));

        _mount.Dispose();
        Assert.True(_h.PumpUntil(() => _h.Manager.UnitDirectories.Quiet("nfs.service").IsCompleted));
        _h.Pump();
        Assert.Empty(_processes.Started);
        Assert.Equal(ServiceState.Failed, service.State);
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public async Task An_EnvironmentFile_that_is_a_FIFO_holds_only_its_unit_and_its_assignments_reach_the_command_once_written()
    {
        string fifo = Path.Combine(_h.Root, "env.fifo");
        Assert.Equal(0, Summon.Interop.Libc.Mkfifo(fifo, 0b110_000_000));
        _h.WriteUnit("envfifo.service", $"[Service]\nExecStart=/fake/run\nEnvironmentFile={fifo}\n");
        _h.WriteUnit("other.service", "[Service]\nExecStart=/fake/run\n");
        var service = _h.Service("envfifo.service");
        var job = _h.Manager.StartJob("envfifo.service");
        Guarded(() => _h.Pump(), release: () => File.WriteAllText(fifo, ""));
        Assert.Equal((ServiceState.Start, UnitActiveState.Activating), (service.State, service.ActiveState));

        Guarded(() => Assert.True(_h.Start("other.service").Success), release: () => File.WriteAllText(fifo, ""));
        Assert.Equal(UnitActiveState.Activating, service.ActiveState);

        await Task.Run(() => File.WriteAllText(fifo, "FROM_FIFO=yes\n")).WaitAsync(Held);
        Assert.True(_h.PumpUntil(() => job.IsCompleted));
        Assert.True((await job).Success);
        Assert.Contains("FROM_FIFO=yes", _processes.Last!.Request!.Environment);
        Assert.Empty(_h.Errors);
    }

    [HungMountFact]
    public void A_runtime_directory_whose_removal_hangs_lets_the_unit_stop_and_the_next_start_waits_for_the_removal()
    {
        _h.WriteUnit("r.service", "[Service]\nExecStart=/fake/run\nRuntimeDirectory=r\n");
        var service = _h.Service("r.service");
        Assert.True(_h.Start("r.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        _mount = new HungMount(Dirs("run/r"));   // the directory now sits on a server that went away

        _h.Manager.Stop("r.service");
        Guarded(() => Assert.True(_h.PumpUntil(() => service.ActiveState == UnitActiveState.Inactive)));
        Assert.False(_h.Manager.UnitDirectories.Quiet("r.service").IsCompleted);   // the removal is still held

        var again = _h.Manager.StartJob("r.service");
        Guarded(() => _h.Pump());
        Assert.Equal((ServiceState.Start, 1), (service.State, _processes.Started.Count));   // after the removal, never beside it

        _mount.Dispose();
        Assert.True(_h.PumpUntil(() => again.IsCompleted && service.State == ServiceState.Running));
        Assert.Equal(2, _processes.Started.Count);
        Assert.True(Directory.Exists(Dirs("run/r")));
        Assert.Empty(_h.Errors);
    }
}
