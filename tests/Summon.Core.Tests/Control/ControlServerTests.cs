using System.Collections.Concurrent;
using Summon.Control;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Core.Tests.Control;

/// <summary>Both ends of the control socket over a real AF_UNIX socket, with a handler in place of the manager.</summary>
public sealed class ControlServerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "summon-control-" + Guid.NewGuid().ToString("N"));

    private string SocketPath => Path.Combine(_directory, "run", "control");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private sealed class RecordingHandler(Func<ControlRequest, ControlReply> answer) : IControlHandler
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public Task<ControlReply> HandleAsync(ControlRequest request)
        {
            Calls.Enqueue("handle " + request.Method);
            return Task.FromResult(answer(request));
        }

        public void BeforeReply() => Calls.Enqueue("before reply");
    }

    /// <summary>Sends on a pool thread while this one accepts, as the manager's loop would on readiness.</summary>
    private static T Exchange<T>(ControlServer server, Func<T> send)
    {
        var sending = Task.Run(send);
        while (!sending.Wait(TimeSpan.FromMilliseconds(1)))
            server.AcceptPending();
        return sending.GetAwaiter().GetResult();
    }

    [Fact]
    public void A_request_reaches_the_handler_and_its_reply_the_client_after_BeforeReply()
    {
        var handler = new RecordingHandler(request => new ControlReply
        {
            Errors = { "e\"1" },
            Failures = { new JobError("x.socket", JobFailure.NotFound) },
            Units = { new UnitInfo { Id = request.Units[0], Properties = [new UnitProperty(request.Properties![0], "active")] } },
        });
        using var server = ControlServer.Start(SocketPath, ownUid: 0, handler);
        var client = new ControlClient(SocketPath);

        var reply = Exchange(server, () => client.Send(new ControlRequest { Method = ControlMethods.Show, Units = ["x.socket"], Properties = ["ActiveState"] }));

        Assert.Equal(["e\"1"], reply.Errors);
        Assert.Equal(new JobError("x.socket", JobFailure.NotFound), Assert.Single(reply.Failures));
        Assert.Equal("active", Assert.Single(reply.Units).Get("ActiveState"));
        Assert.Equal(["handle Show", "before reply"], handler.Calls);
    }

    [Fact]
    public void A_failing_handler_is_a_reply_with_the_failure()
    {
        var handler = new RecordingHandler(_ => throw new InvalidOperationException("boom"));
        using var server = ControlServer.Start(SocketPath, ownUid: 0, handler);

        var reply = Exchange(server, () => new ControlClient(SocketPath).Send(new ControlRequest { Method = ControlMethods.Reload }));

        Assert.Equal(["Failed to Reload: boom"], reply.Errors);
    }

    [Fact]
    public void A_malformed_request_gets_no_reply()
    {
        var handler = new RecordingHandler(_ => new ControlReply());
        using var server = ControlServer.Start(SocketPath, ownUid: 0, handler);

        int read = Exchange(server, () =>
        {
            using var connection = UnixStream.Connect(SocketPath);
            connection.SendAll("{\"method\":\n"u8);
            connection.ShutdownWrite();
            return connection.Receive(new byte[64]);
        });

        Assert.Equal(0, read);
        Assert.Empty(handler.Calls);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_socket_is_private_to_its_owner_and_removed_on_dispose()
    {
        using (ControlServer.Start(SocketPath, ownUid: 0, new RecordingHandler(_ => new ControlReply())))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.False(File.Exists(SocketPath));
    }

    [Fact]
    public void A_stale_socket_file_is_replaced_but_a_manager_answering_is_not()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        File.WriteAllText(SocketPath, "left over");
        using var first = ControlServer.Start(SocketPath, ownUid: 0, new RecordingHandler(_ => new ControlReply()));

        var e = Assert.Throws<InvalidOperationException>(() => ControlServer.Start(SocketPath, ownUid: 0, new RecordingHandler(_ => new ControlReply())));
        Assert.Equal($"Another summon manager is already running on {SocketPath}.", e.Message);
    }

    [Fact]
    public void A_socket_path_too_long_for_sockaddr_un_fails_to_bind()
    {
        string path = Path.Combine(_directory, new string('d', 100), "control");
        var e = Assert.Throws<ErrnoException>(() => ControlServer.Start(path, ownUid: 0, new RecordingHandler(_ => new ControlReply())));
        Assert.Equal(("bind", Errno.ENAMETOOLONG), (e.Call, e.Number));
    }

    [Fact]
    public void No_manager_is_reported_with_the_reason()
    {
        var e = Assert.Throws<ControlUnavailableException>(() => new ControlClient(SocketPath).Send(new ControlRequest { Method = ControlMethods.Ping }));
        Assert.Equal($"Failed to connect to the summon manager at {SocketPath}: No such file or directory. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?", e.Message);
    }
}
