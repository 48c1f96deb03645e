using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Summon.Control;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Core.Tests.Control;

/// <summary>
/// Both ends of the control socket over a real AF_UNIX socket, with a handler in place of the manager; this thread
/// drives the server as the manager's loop does, and a fake clock decides when deadlines pass.
/// </summary>
public sealed class ControlServerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "summon-control-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new();

    private string SocketPath => Path.Combine(_directory, "run", "control");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private sealed class RecordingHandler(Func<ControlRequest, Task<ControlReply>> answer) : IControlHandler
    {
        public RecordingHandler(Func<ControlRequest, ControlReply> answer) : this(request => Task.FromResult(answer(request)))
        {
        }

        public ConcurrentQueue<string> Calls { get; } = new();

        public ConcurrentQueue<int> Threads { get; } = new();

        public Task<ControlReply> HandleAsync(ControlRequest request)
        {
            Calls.Enqueue("handle " + request.Method);
            Threads.Enqueue(Environment.CurrentManagedThreadId);
            return answer(request);
        }
    }

    private ControlServer Start(IControlHandler handler) => ControlServer.Start(SocketPath, ownUid: ProcessUid(), handler, _time);

    private static uint ProcessUid() => uint.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Runs <paramref name="client"/> on a pool thread while this one drives the server, as the manager's loop would.</summary>
    private static T Exchange<T>(ControlServer server, Func<T> client)
    {
        var running = Task.Run(client);
        while (!running.Wait(TimeSpan.FromMilliseconds(1)))
            server.OnReady();
        return running.GetAwaiter().GetResult();
    }

    /// <summary>Drives the server until <paramref name="done"/> holds (a bounded wait: a broken build fails, not hangs).</summary>
    private static void Pump(ControlServer server, Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the server did not get there");
            server.OnReady();
            Thread.Sleep(1);
        }
    }

    private static ControlRequest Ping => new() { Method = ControlMethods.Ping };

    /// <summary>A connection that has sent <paramref name="bytes"/> and nothing more.</summary>
    private UnixStream Connect(string bytes = "")
    {
        var connection = UnixStream.Connect(SocketPath);
        if (bytes.Length > 0)
            connection.SendAll(Encoding.UTF8.GetBytes(bytes));
        return connection;
    }

    /// <summary>What the server wrote before it closed the connection.</summary>
    private static string ReadToEnd(UnixStream connection)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = connection.Receive(buffer)) > 0)
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (ErrnoException e) when (e.Number == Errno.ECONNRESET)
        {
        }
        return text.ToString();
    }

    private static string ErrorLine(string error) => Encoding.UTF8.GetString(ControlCodec.EncodeReplyLine(new ControlReply { Errors = { error } }));

    [Fact]
    public void A_request_reaches_the_handler_on_the_thread_driving_the_server_and_its_reply_the_client()
    {
        var handler = new RecordingHandler(request => new ControlReply
        {
            Errors = { "e\"1" },
            Failures = { new JobError("x.socket", JobFailure.NotFound) },
            Units = { new UnitInfo { Id = request.Units[0], Properties = [new UnitProperty(request.Properties![0], "active")] } },
        });
        using var server = Start(handler);
        var client = new ControlClient(SocketPath);

        var reply = Exchange(server, () => client.Send(new ControlRequest { Method = ControlMethods.Show, Units = ["x.socket"], Properties = ["ActiveState"] }));

        Assert.Equal(["e\"1"], reply.Errors);
        Assert.Equal(new JobError("x.socket", JobFailure.NotFound), Assert.Single(reply.Failures));
        Assert.Equal("active", Assert.Single(reply.Units).Get("ActiveState"));
        Assert.Equal(["handle Show"], handler.Calls);
        Assert.Equal([Environment.CurrentManagedThreadId], handler.Threads);
        Assert.Equal(0, server.Clients);
    }

    [Fact]
    public void A_failing_handler_is_a_reply_with_the_failure()
    {
        var handler = new RecordingHandler((Func<ControlRequest, ControlReply>)(_ => throw new InvalidOperationException("boom")));
        using var server = Start(handler);

        var reply = Exchange(server, () => new ControlClient(SocketPath).Send(new ControlRequest { Method = ControlMethods.Reload }));

        Assert.Equal(["Failed to Reload: boom"], reply.Errors);
    }

    [Fact]
    public void A_malformed_request_gets_no_reply()
    {
        var handler = new RecordingHandler(_ => new ControlReply());
        using var server = Start(handler);

        int read = Exchange(server, () =>
        {
            using var connection = UnixStream.Connect(SocketPath);
            connection.SendAll("{\"method\":\n"u8);
            connection.ShutdownWrite();
            return connection.Receive(new byte[64]);
        });

        Assert.Equal(0, read);
        Assert.Empty(handler.Calls);
        Assert.Equal(0, server.Clients);
    }

    [Fact]
    public void A_job_that_takes_long_holds_no_one_up_and_is_answered_when_it_completes()
    {
        var job = new TaskCompletionSource<ControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(request => request.Method == ControlMethods.Start ? job.Task : Task.FromResult(new ControlReply()));
        using var server = Start(handler);
        var starting = Task.Run(() => new ControlClient(SocketPath).Send(new ControlRequest { Method = ControlMethods.Start, Units = ["slow.service"] }));
        Pump(server, () => handler.Calls.Contains("handle Start"));

        // Past the request deadline: a request being handled is not waited on, so no deadline runs for it.
        _time.Advance(ControlServer.RequestDeadline * 3);
        server.ExpireDeadlines();
        Exchange(server, () => new ControlClient(SocketPath).Send(Ping));
        Assert.False(starting.IsCompleted);
        Assert.Equal(1, server.Clients);

        job.SetResult(new ControlReply { Failures = { new JobError("slow.service", JobFailure.UnitFailed, "timeout") } });
        var reply = Exchange(server, () => starting.GetAwaiter().GetResult());
        Assert.Equal(new JobError("slow.service", JobFailure.UnitFailed, "timeout"), Assert.Single(reply.Failures));
        Assert.Equal(0, server.Clients);
    }

    [Fact]
    public void A_client_that_sends_no_request_is_closed_at_the_deadline_and_told_why()
    {
        using var server = Start(new RecordingHandler(_ => new ControlReply()));
        using var idle = Connect();
        Pump(server, () => server.Clients == 1);

        _time.Advance(ControlServer.RequestDeadline - TimeSpan.FromMilliseconds(1));
        server.ExpireDeadlines();
        Assert.Equal(1, server.Clients);
        Assert.Equal(TimeSpan.FromMilliseconds(1), server.NextDeadline);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        server.ExpireDeadlines();

        Assert.Equal(0, server.Clients);
        Assert.Null(server.NextDeadline);
        Assert.Equal(ErrorLine(ControlRefusals.DeadlinePassed(ControlServer.RequestDeadline)), ReadToEnd(idle));
    }

    [Fact]
    public void The_deadline_is_for_the_whole_request_not_each_read()
    {
        var handler = new RecordingHandler(_ => new ControlReply());
        using var server = Start(handler);
        byte[] request = ControlCodec.EncodeRequestLine(Ping);
        using var slow = Connect();
        var step = ControlServer.RequestDeadline / (request.Length - 1);

        int sent = 0;
        while (server.Clients == 1 || sent == 0)
        {
            slow.SendAll(request.AsSpan(sent++, 1));
            Pump(server, () => server.Clients == 1);
            _time.Advance(step);
            server.ExpireDeadlines();
        }

        Assert.True(sent < request.Length, $"the whole request ({sent} bytes) arrived before the deadline");
        Assert.Empty(handler.Calls);
        Assert.Equal(ErrorLine(ControlRefusals.DeadlinePassed(ControlServer.RequestDeadline)), ReadToEnd(slow));
    }

    [Fact]
    public void When_full_the_client_sending_its_request_longest_gives_way_to_a_new_one()
    {
        using var server = Start(new RecordingHandler(_ => new ControlReply()));
        var idle = new List<UnixStream>();
        try
        {
            for (int i = 0; i < ControlServer.MaxClients; i++)
            {
                idle.Add(Connect("{"));
                _time.Advance(TimeSpan.FromMilliseconds(1));
                Pump(server, () => server.Clients == idle.Count);
            }

            var reply = Exchange(server, () => new ControlClient(SocketPath).Send(Ping));

            Assert.Empty(reply.Errors);
            Assert.Equal(ErrorLine(ControlRefusals.GaveWay(ControlServer.MaxClients)), ReadToEnd(idle[0]));
            Assert.Equal(ControlServer.MaxClients - 1, server.Clients);
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void When_full_of_requests_in_progress_a_new_client_is_turned_away_in_one_line()
    {
        var jobs = new TaskCompletionSource<ControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = Start(new RecordingHandler(_ => jobs.Task));
        string ping = Encoding.UTF8.GetString(ControlCodec.EncodeRequestLine(Ping));
        var waiting = new List<UnixStream>();
        try
        {
            for (int i = 0; i < ControlServer.MaxClients; i++)
            {
                waiting.Add(Connect(ping));   // accepted one by one: a full backlog would block connect()
                Pump(server, () => server.Clients == waiting.Count && server.NextDeadline is null);
            }

            var refused = Exchange(server, () => new ControlClient(SocketPath).Send(Ping));

            Assert.Equal([ControlRefusals.Busy(ControlServer.MaxClients)], refused.Errors);
            jobs.SetResult(new ControlReply());
            Pump(server, () => server.Clients == 0);
            Assert.All(waiting, c => Assert.Equal(Encoding.UTF8.GetString(ControlCodec.EncodeReplyLine(new ControlReply())), ReadToEnd(c)));
        }
        finally
        {
            waiting.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void A_reply_is_written_as_the_client_takes_it_and_one_never_taken_is_dropped_at_the_deadline()
    {
        // Larger than a socket's buffers, so that it cannot be written at once.
        var big = new ControlReply { Errors = { new string('x', 4 << 20) } };
        using var server = Start(new RecordingHandler(_ => big));

        var reply = Exchange(server, () => new ControlClient(SocketPath).Send(Ping));
        Assert.Equal(big.Errors, reply.Errors);

        using var never = Connect(Encoding.UTF8.GetString(ControlCodec.EncodeRequestLine(Ping)));
        Pump(server, () => server.Clients == 1 && server.NextDeadline is not null);
        _time.Advance(ControlServer.RequestDeadline);
        server.ExpireDeadlines();
        Assert.Equal(0, server.Clients);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_socket_is_private_to_its_owner_and_removed_on_dispose()
    {
        using (Start(new RecordingHandler(_ => new ControlReply())))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.False(File.Exists(SocketPath));
    }

    [Fact]
    public void Dispose_closes_every_client()
    {
        var server = Start(new RecordingHandler(_ => new ControlReply()));
        using var idle = Connect();
        Pump(server, () => server.Clients == 1);

        server.Dispose();

        Assert.Equal("", ReadToEnd(idle));
    }

    [Fact]
    public void A_stale_socket_file_is_replaced_but_a_manager_answering_is_not()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        File.WriteAllText(SocketPath, "left over");
        using var first = Start(new RecordingHandler(_ => new ControlReply()));

        var e = Assert.Throws<InvalidOperationException>(() => Start(new RecordingHandler(_ => new ControlReply())));
        Assert.Equal($"Another summon manager is already running on {SocketPath}.", e.Message);
    }

    [Fact]
    public void A_socket_path_too_long_for_sockaddr_un_fails_to_bind()
    {
        string path = Path.Combine(_directory, new string('d', 100), "control");
        var e = Assert.Throws<ErrnoException>(() => ControlServer.Start(path, ownUid: 0, new RecordingHandler(_ => new ControlReply()), _time));
        Assert.Equal(("bind", Errno.ENAMETOOLONG), (e.Call, e.Number));
    }

    [Fact]
    public void No_manager_is_reported_with_the_reason()
    {
        var e = Assert.Throws<ControlUnavailableException>(() => new ControlClient(SocketPath).Send(new ControlRequest { Method = ControlMethods.Ping }));
        Assert.Equal($"Failed to connect to the summon manager at {SocketPath}: No such file or directory. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?", e.Message);
    }
}
