using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// MaxConnections= under 200 concurrent clients. The served instances run cat and wait for input, so while all
/// 200 connections arrive exactly MaxConnections of them are live and every other one is dropped: the split is
/// deterministic, not a race.
/// </summary>
public sealed class MaxConnectionsTests
{
    private const int ClientCount = 200;
    private const int MaxConnections = 10;
    private const string Unit = DemoUnits.SocketName;

    [Fact]
    public async Task Excess_connections_are_dropped_counted_and_leave_no_zombie_or_fd_behind()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        // 200 triggers inside systemd's 2 s window would reach the default TriggerLimitBurst=200 for Accept=yes;
        // raise it so this test is about MaxConnections only.
        DemoUnits.Write(root, port, $"MaxConnections={MaxConnections}\nTriggerLimitBurst=1000\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);
        Assert.Equal(MaxConnections.ToString(), Cli.ShowOne(root, Unit, "MaxConnections"));
        int fdsBefore = daemon.FdCount;

        var sockets = new List<Socket>(ClientCount);
        try
        {
            for (int i = 0; i < ClientCount; i++)
            {
                sockets.Add(Clients.ConnectTcp(IPAddress.Loopback, port));
            }

            // Every connection has been accepted: MaxConnections served, the rest refused.
            Dictionary<string, string> counters = await Wait.ForAsync(
                () => Cli.Show(root, Unit, "NAccepted", "NConnections", "NRefused"),
                c => c.GetValueOrDefault("NRefused") == (ClientCount - MaxConnections).ToString());
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["NAccepted"] = MaxConnections.ToString(),
                    ["NConnections"] = MaxConnections.ToString(),
                    ["NRefused"] = (ClientCount - MaxConnections).ToString(),
                },
                counters);
            Assert.Equal("listening", Cli.ShowOne(root, Unit, "SubState"));

            // Each client says hello; served ones get it echoed, dropped ones see EOF or a reset.
            int[] outcome = await Task.WhenAll(sockets.Select((s, i) => Task.Run(() => Exchange(s, $"client {i}\n"))));
            Assert.Equal((MaxConnections, ClientCount - MaxConnections), (outcome.Count(o => o == 1), outcome.Count(o => o == 0)));
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, Unit, "NConnections"), v => v == "0"));
        Assert.Empty(await Wait.ForAsync(daemon.ZombieChildren, z => z.Count == 0));
        Assert.Equal(fdsBefore, await Wait.ForAsync(() => daemon.FdCount, n => n == fdsBefore));

        // Every drop is logged with the live count at that moment, which is MaxConnections. systemd prefixes unit
        // log messages with "UNIT: "; the bare text is accepted too.
        string drop = $"Too many incoming connections ({MaxConnections}), dropping connection.";
        List<JournalLine> journal = JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut);
        Assert.Equal(
            ClientCount - MaxConnections,
            journal.Count(j => j.Message == drop || j.Message == $"{Unit}: {drop}"));

        // Still serving afterwards.
        CommandResult nc = Cli.RunProgram(root, "nc", "after the storm\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "after the storm\n" }, nc.ToString());
        Assert.Equal((MaxConnections + 1).ToString(), await Wait.ForAsync(
            () => Cli.ShowOne(root, Unit, "NAccepted"), v => v == (MaxConnections + 1).ToString()));
    }

    [Fact]
    public async Task Eight_clients_in_a_tight_loop_at_MaxConnections_8_are_never_refused()
    {
        const int Clients8 = 8, Rounds = 60;
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        // A fast service: each client's next connection arrives as soon as the previous instance has closed it, often
        // in the same wake-up of the manager as that instance's exit. Counting it as live would refuse the client.
        DemoUnits.Write(root, port, "MaxConnections=8\nTriggerLimitBurst=100000\n");
        root.WriteUnit(DemoUnits.TemplateName, "[Service]\nExecStart=/bin/echo hi\nStandardInput=socket\nStandardOutput=socket\n");
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root);

        int[] served = await Task.WhenAll(Enumerable.Range(0, Clients8).Select(_ => Task.Run(() =>
        {
            int ok = 0;
            for (int i = 0; i < Rounds; i++)
            {
                using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
                try
                {
                    ok += Clients.ReadToEnd(client) == "hi\n" ? 1 : 0;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset)
                {
                }
            }

            return ok;
        })));

        Assert.Equal(Clients8 * Rounds, served.Sum());
        Assert.Equal("0", Cli.ShowOne(root, Unit, "NRefused"));
        Assert.DoesNotContain("Too many incoming connections", Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut);
        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, Unit, "NConnections"), v => v == "0"));
    }

    /// <summary>1 when the line came back, 0 when the server closed without answering.</summary>
    private static int Exchange(Socket socket, string line)
    {
        try
        {
            string reply = Clients.SendAndReadToEnd(socket, line);
            return reply == line ? 1 : reply == "" ? 0 : throw new InvalidOperationException($"unexpected reply '{reply}'");
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            return 0;
        }
    }
}
