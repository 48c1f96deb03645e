using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Summon.Control;
using Summon.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Summon.IntegrationTests;

/// <summary>
/// Issue 11, item 5: control clients of an allowed user that connect and say nothing, or trickle their request a byte
/// at a time, cannot starve <c>is-active</c>, grow the manager's threads, or hold its fds past the request deadline.
/// </summary>
public sealed class ControlFloodTests(ITestOutputHelper output)
{
    private const string Unit = DemoUnits.SocketName;

    /// <summary>How much a flood may delay <c>is-active</c> (the bound), judged by the median of the probes.</summary>
    private static readonly TimeSpan PromptAnswer = TimeSpan.FromMilliseconds(100);

    private const int Probes = 7;

    [Fact]
    public async Task Two_thousand_idle_clients_neither_delay_is_active_nor_grow_the_manager()
    {
        const int IdleClients = 2_000;
        FdLimit.AtLeast(IdleClients + 1_024);
        using var root = new TempRoot();
        using DaemonProcess daemon = await StartAsync(root);
        Idle before = await SettleAsync(root, daemon);

        var clients = new List<Socket>(IdleClients);
        try
        {
            for (int i = 0; i < IdleClients; i++)
            {
                clients.Add(Clients.ConnectUnix(root.ControlSocket));
            }

            AssertIsActiveAnswersPromptly(root, before.IsActive);
            // The manager holds its bound of control clients, not one fd per connection.
            Assert.InRange(daemon.FdCount, 0, before.Fds + ControlServer.MaxClients);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        await AssertBackToIdleAsync(daemon, before);
    }

    [Fact]
    public async Task Slow_clients_do_not_delay_is_active_and_are_cut_off_at_the_request_deadline()
    {
        const int Slow = 200;
        TimeSpan trickle = TimeSpan.FromSeconds(1);
        FdLimit.AtLeast(Slow + 1_024);
        using var root = new TempRoot();
        using DaemonProcess daemon = await StartAsync(root);
        Idle before = await SettleAsync(root, daemon);
        // A real request, longer than the deadline lets a client trickle: each client sends one byte per round.
        byte[] request = ControlCodec.EncodeRequestLine(new ControlRequest { Method = ControlMethods.Show, Units = [.. Enumerable.Repeat(Unit, 8)] });
        Assert.True(request.Length > 2 * ControlServer.RequestDeadline / trickle);

        var clients = new SlowClient[Slow];
        try
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Slow; i++)
            {
                // The start is read before the connect and the cut-off after it is seen (in Step): the manager's deadline
                // runs from its accept, which may come before a preempted test thread reads the clock after connecting.
                TimeSpan connecting = clock.Elapsed;
                clients[i] = new SlowClient(Clients.ConnectUnix(root.ControlSocket), request, connecting);
            }

            bool probed = false;
            while (clients.Any(c => c.CutOffAfter is null) && clock.Elapsed < ControlServer.RequestDeadline + TimeSpan.FromSeconds(20))
            {
                foreach (SlowClient client in clients)
                {
                    client.Step(clock);
                }

                if (!probed && clock.Elapsed >= 2 * trickle)
                {
                    AssertIsActiveAnswersPromptly(root, before.IsActive);
                    probed = true;
                }

                await Task.Delay(trickle);
            }

            Assert.True(probed);
            Assert.All(clients, client =>
            {
                Assert.True(client.CutOffAfter is not null, $"a slow client was still connected after {clock.Elapsed.TotalSeconds:0.0} s, having sent {client.Sent} bytes");
                // Cut off by the deadline (not before it), and told so in one line the CLI would print.
                Assert.True(client.CutOffAfter >= ControlServer.RequestDeadline, $"cut off after {client.CutOffAfter?.TotalSeconds:0.00} s");
                ControlReply? reply = ControlCodec.DecodeReply(client.Received);
                Assert.NotNull(reply);
                Assert.Equal([ControlRefusals.DeadlinePassed(ControlServer.RequestDeadline)], reply.Errors);
            });
        }
        finally
        {
            foreach (SlowClient? client in clients)
            {
                client?.Dispose();
            }
        }

        await AssertBackToIdleAsync(daemon, before);
    }

    [Fact]
    public async Task At_the_fd_limit_an_idle_client_gives_its_fd_to_a_new_request_and_the_manager_does_not_spin()
    {
        using var root = new TempRoot();
        using DaemonProcess daemon = await StartAsync(root);
        Idle before = await SettleAsync(root, daemon);
        // The manager's soft limit just above what it holds idle: accept4 fails with EMFILE long before MaxClients.
        CommandResult limited = Command.Run("prlimit", [$"--pid={daemon.Pid}", $"--nofile={before.Fds + 8}:"]);
        Assert.True(limited.ExitCode == 0, limited.ToString());

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 64; i++)
            {
                clients.Add(Clients.ConnectUnix(root.ControlSocket));
            }

            AssertIsActiveAnswersPromptly(root, before.IsActive);
            long cpu = ProcFs.CpuTicks(daemon.Pid);
            await Task.Delay(TimeSpan.FromSeconds(2));
            // Idle clients at the limit cost nothing: a listener left readable would spin the loop on a whole CPU
            // (on this loaded machine that still shows as several ticks a second).
            Assert.InRange(ProcFs.CpuTicks(daemon.Pid) - cpu, 0, 5);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        await AssertBackToIdleAsync(daemon, before);
    }

    private static async Task<DaemonProcess> StartAsync(TempRoot root)
    {
        DemoUnits.Write(root, FreePort.Tcp());
        Assert.Equal(0, Cli.Run(root, "enable", Unit).ExitCode);
        return await DaemonProcess.StartAsync(root);
    }

    /// <summary>
    /// The manager's idle figures once a few requests have been answered: its threads and fds, and how long
    /// <c>summon is-active</c> takes without a flood.
    /// </summary>
    private static async Task<Idle> SettleAsync(TempRoot root, DaemonProcess daemon)
    {
        TimeSpan cli = MeasureIsActive(root).Cli;
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return new Idle(ProcFs.Threads(daemon.Pid), daemon.FdCount, cli);
    }

    private sealed record Idle(int Threads, int Fds, TimeSpan IsActive);

    /// <summary>
    /// How long <c>is-active</c> takes, as the median of several probes so that one descheduling on the shared machine
    /// does not decide: the whole CLI process as a user runs it, and the request it sends alone, made from this
    /// process (what the manager adds, without the cost of starting a process on a loaded machine). Each answers right.
    /// </summary>
    private static (TimeSpan Cli, TimeSpan Request) MeasureIsActive(TempRoot root)
    {
        var cli = new List<TimeSpan>();
        var request = new List<TimeSpan>();
        var client = new ControlClient(root.ControlSocket);
        for (int i = 0; i < Probes; i++)
        {
            var watch = Stopwatch.StartNew();
            CommandResult result = Command.Run(SummonBinary.Path, ["is-active", Unit], root.Environment, timeout: TimeSpan.FromSeconds(20));
            cli.Add(watch.Elapsed);
            Assert.True(result.ExitCode == 0 && result.StdOut == "active\n", result.ToString());

            watch.Restart();
            ControlReply reply = client.Send(new ControlRequest { Method = ControlMethods.Show, Units = [Unit], Properties = ["ActiveState"] });
            request.Add(watch.Elapsed);
            Assert.Equal("active", Assert.Single(reply.Units).Get("ActiveState"));
        }

        return (Median(cli), Median(request));

        static TimeSpan Median(List<TimeSpan> probes) => probes.Order().ElementAt(probes.Count / 2);
    }

    /// <summary>
    /// Under the flood, <c>is-active</c> is delayed by no more than the bound the issue names. Judged on the request,
    /// which is all the manager adds: on this shared machine starting the CLI process alone varies by more than the
    /// bound from one set of probes to the next, so the CLI's figures are shown, and its answers checked, only.
    /// </summary>
    private void AssertIsActiveAnswersPromptly(TempRoot root, TimeSpan idleCli)
    {
        (TimeSpan cli, TimeSpan request) = MeasureIsActive(root);
        output.WriteLine($"is-active under the flood: the request {request.TotalMilliseconds:0.0} ms, summon is-active {cli.TotalMilliseconds:0.0} ms ({idleCli.TotalMilliseconds:0.0} ms without it); medians");
        Assert.True(request <= PromptAnswer, $"is-active's request took {request.TotalMilliseconds:0.0} ms (median)");
    }

    /// <summary>Once the clients are gone the manager is back to its idle threads and fds.</summary>
    private async Task AssertBackToIdleAsync(DaemonProcess daemon, Idle idle)
    {
        (int threads, int fds) now = await Wait.ForAsync(
            () => (ProcFs.Threads(daemon.Pid), daemon.FdCount),
            figures => figures.Item1 <= idle.Threads && figures.Item2 <= idle.Fds,
            TimeSpan.FromSeconds(30));
        output.WriteLine($"idle: {idle.Threads} threads, {idle.Fds} fds; after the clients left: {now.threads} threads, {now.fds} fds");
        Assert.True(now.threads <= idle.Threads, $"threads: {idle.Threads} idle, {now.threads} after the clients left");
        Assert.True(now.fds <= idle.Fds, $"fds: {idle.Fds} idle, {now.fds} after the clients left");
        Assert.False(daemon.HasExited);
    }

    /// <summary>A client that sends its request one byte per step, until the manager answers or closes.</summary>
    private sealed class SlowClient(Socket socket, byte[] request, TimeSpan connectedAt) : IDisposable
    {
        private readonly MemoryStream _received = new();

        public int Sent { get; private set; }

        /// <summary>How long after connecting the manager cut this client off; null while it is connected.</summary>
        public TimeSpan? CutOffAfter { get; private set; }

        public byte[] Received => _received.ToArray();

        public void Step(Stopwatch clock)
        {
            if (CutOffAfter is not null)
            {
                return;
            }

            try
            {
                if (socket.Poll(0, SelectMode.SelectRead))
                {
                    ReadToEnd();
                    CutOffAfter = clock.Elapsed - connectedAt;
                    return;
                }

                if (Sent < request.Length)
                {
                    socket.Send(request, Sent, 1, SocketFlags.None);
                    Sent++;
                }
            }
            catch (SocketException)
            {
                CutOffAfter = clock.Elapsed - connectedAt;
            }
        }

        private void ReadToEnd()
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = socket.Receive(buffer)) > 0)
                {
                    _received.Write(buffer, 0, n);
                }
            }
            catch (SocketException)
            {
                // Closed with our bytes unread: the reply came first.
            }
        }

        public void Dispose() => socket.Dispose();
    }
}
