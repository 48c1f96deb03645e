using System.Text;
using Summon.Manager.Takeover;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The state file a restarted manager takes over from (docs/recovery.md): version 1 round-trips, anything else is a
/// FormatException with a reason (never a crash), and the writer leaves a private file, written whole or not at all.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManagerStateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-state-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ManagerState Sample() => new(
        4242,
        [
            new ServiceRecord("demo.service", "running", "0f6c5e0b6b7e4c4f9b1f7d8a2c3e4d5f", new ProcessRecord(4300, 1234567), null,
                DateTimeOffset.FromUnixTimeMilliseconds(1733468400123), [new PassedFdRecord(3, "demo.socket", 0), new PassedFdRecord(4, "demo.socket", 1)]),
            new ServiceRecord("other.service", "stop-sigterm", "", new ProcessRecord(4400, 99), new ProcessRecord(4410, 100), null, []),
        ],
        [new SocketRecord("demo.socket", "running", [new ListenerRecord("ListenStream", "127.0.0.1:8080", 98765), new ListenerRecord("ListenStream", "/run/x y.sock", 5)])]);

    [Fact]
    public void Version_1_round_trips()
    {
        var state = Sample();
        var read = ManagerStateCodec.Read(ManagerStateCodec.Write(state));
        Assert.Equal(state.ManagerPid, read.ManagerPid);
        Assert.Equal(state.Sockets[0].Listeners, read.Sockets[0].Listeners);
        Assert.Equal((state.Sockets[0].Unit, state.Sockets[0].State), (read.Sockets[0].Unit, read.Sockets[0].State));
        for (int i = 0; i < state.Services.Count; i++)
        {
            var (a, b) = (state.Services[i], read.Services[i]);
            Assert.Equal((a.Unit, a.State, a.InvocationId, a.Main, a.Control, a.ExecMainStartTimestamp), (b.Unit, b.State, b.InvocationId, b.Main, b.Control, b.ExecMainStartTimestamp));
            Assert.Equal(a.ListenFds, b.ListenFds);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("{\"version\":2,\"managerPid\":1,\"services\":[],\"sockets\":[]}")]
    [InlineData("{\"version\":1,\"managerPid\":1,\"services\":[{\"unit\":3}],\"sockets\":[]}")]
    [InlineData("{\"version\":1,\"managerPid\":1,\"services\":[]}")]
    [InlineData("{\"version\":1,\"managerPid\":1,\"services\":[],\"sockets\":[{\"unit\":\"a.socket\",\"state\":\"running\",\"listeners\":[{\"setting\":\"ListenStream\",\"value\":\"x\",\"inode\":-1}]}]}")]
    public void Anything_but_version_1_is_a_format_error(string text)
    {
        var e = Assert.Throws<FormatException>(() => ManagerStateCodec.Read(Encoding.UTF8.GetBytes(text)));
        Assert.NotEmpty(e.Message);
    }

    [Fact]
    public void The_writer_leaves_a_private_file_with_the_last_contents_and_removes_it()
    {
        string path = StateFileWriter.PathIn(_dir);
        var failures = new List<string>();
        var writer = new StateFileWriter(path, failures.Add);
        for (int i = 0; i < 100; i++)
            writer.Write(Encoding.UTF8.GetBytes($"contents {i}\n"));
        Assert.True(SpinWait.SpinUntil(() => File.Exists(path) && File.ReadAllText(path) == "contents 99\n", TimeSpan.FromSeconds(10)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));
        writer.Remove();
        Assert.False(File.Exists(path));
        Assert.Empty(failures);
    }

    [Fact]
    public void A_write_that_fails_is_said_once()
    {
        var failures = new List<string>();
        var writer = new StateFileWriter(Path.Combine(_dir, "missing", "manager-state.json"), m => { lock (failures) failures.Add(m); });
        writer.Write([1]);
        Assert.True(SpinWait.SpinUntil(() => { lock (failures) return failures.Count == 1; }, TimeSpan.FromSeconds(10)));
        writer.Write([2]);
        writer.Write([3]);
        writer.Remove();   // waits for the writes in flight
        Assert.Single(failures);
        Assert.Contains("a restarted manager will not take over the running services", failures[0]);
    }
}
