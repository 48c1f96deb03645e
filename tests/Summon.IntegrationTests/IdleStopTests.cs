using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// [X-Summon] IdleStopSec= against real services: bench/src/lfd-echo (an sd_listen_fds echo server that dies on
/// SIGTERM's default action) and the Kestrel app. The full 1,000-cycle boundary stress is bench/idle-stop.sh.
/// </summary>
public sealed class IdleStopTests
{
    private const string Socket = "echo.socket";
    private const string Service = "echo.service";

    private static string SocketUnit(int port, string idle) =>
        $"[Unit]\nDescription=Echo socket\n\n[Socket]\nListenStream=127.0.0.1:{port}\n\n[X-Summon]\nIdleStopSec={idle}\n";

    private static string EchoService(string extra = "") =>
        $"[Unit]\nDescription=Echo\n\n[Service]\nExecStart={TestPrograms.LfdEcho}\n{extra}";

    [Fact]
    public async Task Stops_IdleStopSec_after_the_last_connection_closes_never_while_one_is_open_and_starts_again()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit(port, "1s"));
        root.WriteUnit(Service, EchoService());
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        // A connection held open for 3 × IdleStopSec keeps the service running.
        DateTimeOffset closed;
        using (var held = Connect(port))
        {
            Assert.Equal("hello\n", Echo(held, "hello\n"));
            string pid = Cli.ShowOne(root, Service, "MainPID");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal("active", Cli.IsActive(root, Service));
            Assert.Equal(pid, Cli.ShowOne(root, Service, "MainPID"));
            Assert.Equal("", Cli.ShowOne(root, Socket, "X-SummonIdleSince"));
            Assert.Equal("again\n", Echo(held, "again\n"));
            closed = DateTimeOffset.UtcNow;   // just before the close: a preempted test thread cannot make it late
        }

        // Idle: the countdown shows on the socket and the service, and the service stops IdleStopSec (+ ≤ 1 s) later.
        CommandResult status = await Wait.ForAsync(() => StatusText.Of(root, Service), s => !StatusText.Field(s, "Idle").StartsWith("(no ", StringComparison.Ordinal) || !s.StdOut.Contains("active (running)", StringComparison.Ordinal));
        Assert.Matches(@"^since .+; stops in .+$", StatusText.Field(status, "Idle"));
        Assert.True(await Wait.UntilAsync(() => Cli.IsActive(root, Service) == "inactive", TimeSpan.FromSeconds(15)), daemon.Log);
        var stopped = FromMicros(Cli.ShowOne(root, Service, "InactiveEnterTimestampRealtime"));
        Assert.True(stopped - closed >= TimeSpan.FromSeconds(1) && stopped - closed <= TimeSpan.FromSeconds(2),
            $"stopped {(stopped - closed).TotalMilliseconds} ms after the close\n[log]\n{daemon.Log}");
        Assert.Equal("listening", Cli.ShowOne(root, Socket, "SubState"));
        Assert.Equal("1", Cli.ShowOne(root, Socket, "X-SummonNIdleStops"));
        Assert.Equal("1s", Cli.ShowOne(root, Socket, "X-SummonIdleStopUSec"));
        await AcceptTests.AssertJournalHasAsync(root, Socket, "echo.socket: No connection for IdleStopSec=1s, stopping echo.service; the socket listens again once it is gone.", daemon.Pid);

        // The next connection starts it again.
        using var next = Connect(port);
        Assert.Equal("back\n", Echo(next, "back\n"));
        Assert.Equal("active", Cli.IsActive(root, Service));
    }

    /// <summary>Clients that arrive around the moment of the stop (the shortened form of bench/idle-stop.sh).</summary>
    [Fact]
    public async Task Clients_arriving_at_the_stop_boundary_are_all_answered_none_refused_or_reset()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Socket, SocketUnit(port, "200ms"));
        // Several starts a second would meet the default start limit (5 in 10 s), which fails the socket.
        root.WriteUnit(Service, "[Unit]\nStartLimitIntervalSec=0\n\n" + EchoService());
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        var random = new Random(15);
        int answered = 0;
        var failures = new List<string>();
        const int Cycles = 50;
        for (int i = 0; i < Cycles; i++)
        {
            // The stop comes 200 ms after the first idle look (≤ 25 ms after the close): arrive from before it to after it.
            using (var first = Connect(port))
                if (Echo(first, "a\n") != "a\n")
                    failures.Add($"cycle {i}: first request unanswered");
            await Task.Delay(150 + random.Next(150));
            try
            {
                using var boundary = Connect(port);
                string reply = Echo(boundary, $"boundary {i}\n");
                if (reply == $"boundary {i}\n")
                    answered++;
                else
                    failures.Add($"cycle {i}: answered '{reply}'");
            }
            catch (SocketException e)
            {
                failures.Add($"cycle {i}: {e.SocketErrorCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n[log]\n" + daemon.Log);
        Assert.Equal(Cycles, answered);
        // The boundary was met: most cycles stopped the service at least once.
        Assert.True(int.Parse(Cli.ShowOne(root, Socket, "X-SummonNIdleStops"), CultureInfo.InvariantCulture) >= Cycles / 4,
            Cli.ShowOne(root, Socket, "X-SummonNIdleStops"));
    }

    [Fact]
    public async Task A_service_that_says_STOPPING_and_exits_has_the_arrivals_meanwhile_queued_for_the_next_instance()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string flag = Path.Combine(root.Dir, "declared-idle");
        root.WriteUnit(Socket, $"[Unit]\nDescription=Echo socket\n\n[Socket]\nListenStream=127.0.0.1:{port}\n");
        // The first instance declares itself idle at once and exits a second later without accepting; the second serves.
        root.WriteUnit(Service,
            $"[Service]\nNotifyAccess=all\nExecStart=/bin/sh -c 'if [ -e {flag} ]; then exec {TestPrograms.LfdEcho}; fi; touch {flag}; systemd-notify STOPPING=1; sleep 1'\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);

        using var first = Connect(port);
        Assert.True(await Wait.UntilAsync(() => File.Exists(flag)));
        using var meanwhile = Connect(port);   // while the first instance is on its way out
        Assert.Equal("first\n", Echo(first, "first\n"));
        Assert.Equal("meanwhile\n", Echo(meanwhile, "meanwhile\n"));
    }

    [Fact]
    public async Task The_Kestrel_app_is_stopped_when_idle_and_the_next_request_starts_it_again()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("web.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n\n[X-Summon]\nIdleStopSec=2s\n");
        root.WriteUnit("web.service",
            $"[Service]\nType=notify\nExecStart={TestPrograms.Dotnet} {TestPrograms.KestrelAppDll}\nEnvironment=DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1\nTimeoutStartSec=60\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "web.socket");

        // The connection closes somewhere between these two instants; only the first is a sound lower bound for the
        // idle time, since the test may see curl's exit late on a busy machine.
        var requested = DateTimeOffset.UtcNow;
        CommandResult curl = Cli.RunProgram(root, "curl", null, "-sS", "--max-time", "60", $"http://127.0.0.1:{port}/");
        var answered = DateTimeOffset.UtcNow;
        Assert.True(curl.ExitCode == 0, curl + "\n[log]\n" + daemon.Log);
        string firstPid = curl.StdOut.Trim().Split(' ')[^1];
        Assert.True(await Wait.UntilAsync(() => Cli.IsActive(root, "web.service") == "inactive", TimeSpan.FromSeconds(30)), daemon.Log);
        var stopped = FromMicros(Cli.ShowOne(root, "web.service", "InactiveEnterTimestampRealtime"));
        Assert.True(stopped - requested >= TimeSpan.FromSeconds(2),
            $"stopped {(stopped - requested).TotalMilliseconds} ms after the request, {(stopped - answered).TotalMilliseconds} ms after the answer\n[log]\n{daemon.Log}");

        CommandResult again = Cli.RunProgram(root, "curl", null, "-sS", "--max-time", "60", $"http://127.0.0.1:{port}/");
        Assert.True(again.ExitCode == 0, again + "\n[log]\n" + daemon.Log);
        Assert.NotEqual(firstPid, again.StdOut.Trim().Split(' ')[^1]);
    }

    private static DateTimeOffset FromMicros(string micros) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(micros, CultureInfo.InvariantCulture) / 1000);

    private static Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    /// <summary>Sends a line and reads until the echo of the same length came back (or the peer closed).</summary>
    private static string Echo(Socket client, string line)
    {
        client.Send(Encoding.ASCII.GetBytes(line));
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (reply.Length < line.Length)
        {
            int n = client.Receive(buffer);
            if (n == 0)
                break;
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return reply.ToString();
    }
}
