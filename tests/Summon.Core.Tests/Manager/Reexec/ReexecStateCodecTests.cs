using System.Text;
using Summon.Interop;
using Summon.Manager.Reexec;

namespace Summon.Core.Tests.Manager.Reexec;

/// <summary>
/// The manager's part of the re-exec state (docs/reexec.md): it round-trips field by field, and whatever a binary
/// cannot use — not JSON, cut short, another format version, an fd not carried — is a FormatException with one line
/// (the check and the restore say it; neither crashes).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReexecStateCodecTests : IDisposable
{
    // Real fds, so the carried numbers are the ones the kernel gave.
    private readonly SafeFdHandle[] _fds = Enumerable.Range(0, 5).Select(_ => new SafeFdHandle(Libc.EventFd(0, Libc.EFD_CLOEXEC))).ToArray();

    public void Dispose()
    {
        foreach (var fd in _fds)
            fd.Dispose();
    }

    private (ReexecManagerState Manager, CarriedFds Fds) Sample(bool all = true)
    {
        var fds = CarriedFds.ForWriting();
        var manager = new ReexecManagerState
        {
            Pid = 4242,
            Binary = "/usr/local/bin/summon-next",
            Generation = 7,
            Started = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4560),
            NextJobId = 913,
            ControlFd = fds.Carry(_fds[0]),
            NotifyFd = all ? fds.Carry(_fds[1]) : -1,
            MetricsFd = all ? fds.Carry(_fds[2]) : -1,
            RuntimeLockFd = fds.Carry(_fds[3]),
            StateLockFd = all ? fds.Carry(_fds[4]) : -1,
        };
        return (manager, fds);
    }

    private static int Fd(SafeFdHandle handle) => (int)handle.DangerousGetHandle();

    [Fact]
    public void The_manager_part_round_trips_every_field()
    {
        var (manager, fds) = Sample();
        byte[] state = ReexecStateCodec.Write(manager, fds, "[]"u8);

        using var read = ReexecStateCodec.Read(state);
        Assert.Equal(ReexecStateCodec.Version, read.Version);
        Assert.Equal(manager, read.Manager);   // a record: every property compared, so a new one must round-trip too
        Assert.Equal(_fds.Select(Fd), read.Fds);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, read.Units.ValueKind);
        ReexecStateCodec.Check(state);
    }

    [Fact]
    public void Fds_the_manager_does_not_have_are_minus_one_and_not_carried()
    {
        var (manager, fds) = Sample(all: false);
        using var read = ReexecStateCodec.Read(ReexecStateCodec.Write(manager, fds, "[]"u8));
        Assert.Equal((-1, -1, -1), (read.Manager.NotifyFd, read.Manager.MetricsFd, read.Manager.StateLockFd));
        Assert.Equal([Fd(_fds[0]), Fd(_fds[3])], read.Fds);
        Assert.Equal([Fd(_fds[0]), Fd(_fds[3])], read.Manager.Fds());
    }

    [Fact]
    public void The_units_value_is_kept_as_written()
    {
        var (manager, fds) = Sample();
        byte[] units = ReexecStateCodec.WriteUnits(w =>
        {
            w.WriteStartArray();
            w.WriteStringValue("demo.socket");
            w.WriteEndArray();
        });
        using var read = ReexecStateCodec.Read(ReexecStateCodec.Write(manager, fds, units));
        Assert.Equal("demo.socket", read.Units[0].GetString());
    }

    [Fact]
    public void A_truncated_state_is_refused_in_one_line()
    {
        var (manager, fds) = Sample();
        byte[] state = ReexecStateCodec.Write(manager, fds, "[]"u8);
        for (int length = 0; length < state.Length; length += 7)
        {
            var e = Assert.Throws<FormatException>(() => ReexecStateCodec.Check(state.AsMemory(0, length)));
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Theory]
    [InlineData("""{"version":2,"manager":{},"fds":[],"units":[]}""", "format version 2; this binary reads version 1")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"version":1,"fds":[],"units":[]}""", "no \"manager\"")]
    [InlineData("""{"version":1,"manager":{"pid":1,"binary":"/b","generation":1,"startedUsec":0,"nextJobId":1,"controlFd":3,"notifyFd":-1,"metricsFd":-1,"runtimeLockFd":4,"stateLockFd":-1},"fds":[3],"units":[]}""", "the manager's fd 4 is not among the carried \"fds\"")]
    [InlineData("""{"version":1,"manager":{"pid":1,"binary":"/b","generation":1,"startedUsec":0,"nextJobId":1,"controlFd":3,"notifyFd":-1,"metricsFd":-1,"runtimeLockFd":4,"stateLockFd":-1},"fds":[3,4,4],"units":[]}""", "names fd 4 twice")]
    [InlineData("""{"version":1,"manager":{"pid":1,"binary":"/b","generation":1,"startedUsec":0,"nextJobId":1,"controlFd":-3,"notifyFd":-1,"metricsFd":-1,"runtimeLockFd":4,"stateLockFd":-1},"fds":[4],"units":[]}""", "\"manager.controlFd\" is -3")]
    [InlineData("""{"version":1,"manager":{"pid":1,"binary":"/b","generation":1,"startedUsec":0,"nextJobId":1,"controlFd":3,"notifyFd":-1,"metricsFd":-1,"runtimeLockFd":4,"stateLockFd":-1},"fds":[3,4]}""", "no \"units\"")]
    [InlineData("""{"version":1,"manager":{"pid":1,"binary":"/b","generation":1,"startedUsec":0,"nextJobId":1,"controlFd":3,"notifyFd":-1,"metricsFd":-1,"runtimeLockFd":4,"stateLockFd":-1},"fds":[3,4],"units":{}}""", "\"units\" is not an array")]
    public void What_a_binary_cannot_use_is_said_in_one_line(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ReexecStateCodec.Check(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_fallback_variable_names_the_managers_fds_and_lists_the_others()
    {
        var (manager, fds) = Sample(all: false);
        string value = ReexecVariables.FormatFds([.. fds.Carried.Select(h => Fd((SafeFdHandle)h)), 42], manager);
        Assert.Equal($"{Fd(_fds[0])}=control,{Fd(_fds[3])}=runtime-lock,42", value);
        Assert.Equal([(Fd(_fds[0]), "control"), (Fd(_fds[3]), "runtime-lock"), (42, "")], ReexecVariables.ParseFds(value));
        Assert.Equal([(9, "x")], ReexecVariables.ParseFds("garbage,1,9=x,9=y,-4"));
    }
}
