using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// daemon-reload under running sockets and services (issue 17, item 3), with the real binary, real sockets and real
/// clients: unchanged listeners keep the very socket (the inode <c>stat -L /proc/PID/fd/N</c> shows), a moved
/// ListenStream= accepts on one address or the other throughout, an Accept=no service keeps the fds it was given, a
/// unit whose file is gone or masked is stopped, and one whose file no longer loads runs on.
/// </summary>
public sealed class DaemonReloadTests
{
    // No trigger or poll limit: the client loops connect faster than the defaults allow.
    private static string EchoSocket(string listen, string extra = "") =>
        $"[Unit]\nDescription=Echo\n[Socket]\n{listen}\nAccept=yes\nTriggerLimitBurst=0\nPollLimitBurst=0\n{extra}\n";

    private const string EchoTemplate = "[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n";

    private static string PassSocket(int port) => $"[Socket]\nListenStream=127.0.0.1:{port}\n";

    private static string PassService => $"[Service]\nExecStart={TestPrograms.LfdEcho}\n";

    private static void Reload(TempRoot root)
    {
        CommandResult reload = Cli.Run(root, "daemon-reload");
        Assert.True(reload is { ExitCode: 0, StdErr: "" }, reload.ToString());
    }

    private static string Socat(TempRoot root, string address, string text)
    {
        CommandResult socat = Cli.RunProgram(root, "socat", text, "-t", "5", "-T", "10", "-", address);
        Assert.True(socat.ExitCode == 0, socat.ToString());
        return socat.StdOut;
    }

    private static bool NcRefused(TempRoot root, int port) =>
        Cli.RunProgram(root, "nc", null, "-z", "-w", "5", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)).ExitCode != 0;

    /// <summary>The inode that <c>stat -L</c> shows for fd <paramref name="fd"/> of <paramref name="pid"/>.</summary>
    private static string StatInode(TempRoot root, int pid, int fd)
    {
        CommandResult stat = Cli.RunProgram(root, "stat", null, "-L", "-c", "%i", $"/proc/{pid}/fd/{fd}");
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return stat.StdOut.Trim();
    }

    /// <summary>
    /// The listening sockets <paramref name="pid"/> holds, by address ("127.0.0.1:PORT" or the path), each with its fd
    /// and the inode stat shows: the kernel's tables (/proc/net/tcp, /proc/net/unix) say which socket inode listens where.
    /// </summary>
    private static Dictionary<string, (int Fd, string Inode)> Listeners(TempRoot root, int pid)
    {
        var where = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines("/proc/net/tcp").Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f[3] != "0A")
                continue;
            string[] local = f[1].Split(':');
            var ip = new IPAddress(BitConverter.GetBytes(uint.Parse(local[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            where[f[9]] = $"{ip}:{int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)}";
        }
        foreach (string line in File.ReadAllLines("/proc/net/unix").Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 8 && f[3] == "00010000")
                where[f[6]] = f[7];
        }
        var listeners = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        foreach ((int fd, string target) in ProcFs.Fds(pid))
        {
            if (target.StartsWith("socket:[", StringComparison.Ordinal) && where.TryGetValue(target[8..^1], out string? address))
                listeners[address] = (fd, StatInode(root, pid, fd));
        }
        return listeners;
    }

    [Fact]
    public async Task Daemon_reload_keeps_every_unchanged_listener_the_very_same_socket()
    {
        using var root = new TempRoot();
        int echoPort = FreePort.Tcp(), passPort = FreePort.Tcp();
        string path = Path.Combine(root.RuntimeDir, "echo.sock");
        string listen = $"ListenStream=127.0.0.1:{echoPort}\nListenStream={path}";
        root.WriteUnit("echo.socket", EchoSocket(listen));
        root.WriteUnit("echo@.service", EchoTemplate);
        root.WriteUnit("pass.socket", PassSocket(passPort));
        root.WriteUnit("pass.service", PassService);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "echo.socket");
        Assert.Equal(0, Cli.Run(root, "start", "pass.socket").ExitCode);
        Assert.Equal("through the service\n", Socat(root, $"TCP:127.0.0.1:{passPort}", "through the service\n"));
        string servicePid = Cli.ShowOne(root, "pass.service", "MainPID");
        var before = Listeners(root, daemon.Pid);
        Assert.Equal(((string[])[root.ControlSocket, path, $"127.0.0.1:{echoPort}", $"127.0.0.1:{passPort}"]).Order(StringComparer.Ordinal), before.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Convert.ToInt32("666", 8), (int)File.GetUnixFileMode(path));

        // A new description and options a bound socket takes in place; the Listen*= lines as they were.
        root.WriteUnit("echo.socket", EchoSocket(listen, "Backlog=64\nSocketMode=0600\nKeepAlive=yes").Replace("Echo", "Echo, reloaded", StringComparison.Ordinal));
        root.WriteUnit("pass.socket", "[Unit]\nDescription=Pass, reloaded\n" + PassSocket(passPort));
        for (int i = 0; i < 3; i++)
            Reload(root);

        Assert.Equal(before, Listeners(root, daemon.Pid));
        Assert.Equal(("Echo, reloaded", "Pass, reloaded"), (Cli.ShowOne(root, "echo.socket", "Description"), Cli.ShowOne(root, "pass.socket", "Description")));
        Assert.Equal(Convert.ToInt32("600", 8), (int)File.GetUnixFileMode(path));
        CommandResult ss = Cli.RunProgram(root, "ss", null, "-Hltn", $"sport = :{echoPort}");
        Assert.Equal("64", ss.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);   // a listener's Send-Q is its backlog
        Assert.Equal("over tcp\n", Socat(root, $"TCP:127.0.0.1:{echoPort}", "over tcp\n"));
        Assert.Equal("over the path\n", Socat(root, $"UNIX-CONNECT:{path}", "over the path\n"));
        Assert.Equal("still the service\n", Socat(root, $"TCP:127.0.0.1:{passPort}", "still the service\n"));
        Assert.Equal(servicePid, Cli.ShowOne(root, "pass.service", "MainPID"));
        Assert.DoesNotContain("Listeners changed", Cli.Run(root, "journal", "--no-pager").StdOut, StringComparison.Ordinal);
    }

    /// <summary>One client loop against one port: connect, one line, read the echo; each success's time on one clock.</summary>
    private sealed class ClientLoop(int port)
    {
        public readonly List<long> Successes = [];
        public int Refused, Other;

        public Task Run(CancellationToken stop) => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
                try
                {
                    client.Connect(IPAddress.Loopback, port);
                    long connected = Stopwatch.GetTimestamp();
                    client.Send("ping\n"u8);
                    client.Shutdown(SocketShutdown.Send);
                    var buffer = new byte[16];
                    int n = 0, r;
                    while ((r = client.Receive(buffer, n, buffer.Length - n, SocketFlags.None)) > 0)
                        n += r;
                    if (n == 5)
                        lock (Successes)
                            Successes.Add(connected);
                    else
                        Interlocked.Increment(ref Other);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    Interlocked.Increment(ref Refused);
                    Thread.Sleep(5);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref Other);
                }
            }
        });

        public int Count
        {
            get
            {
                lock (Successes)
                    return Successes.Count;
            }
        }
    }

    [Fact]
    public async Task A_moved_ListenStream_accepts_on_the_old_address_until_after_the_new_one_accepts()
    {
        using var root = new TempRoot();
        int oldPort = FreePort.Tcp(), newPort = FreePort.Tcp();
        root.WriteUnit("echo.socket", EchoSocket($"ListenStream=127.0.0.1:{oldPort}"));
        root.WriteUnit("echo@.service", EchoTemplate);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "echo.socket");
        var old = new ClientLoop(oldPort);
        var moved = new ClientLoop(newPort);
        using var stop = new CancellationTokenSource();
        Task[] loops = [old.Run(stop.Token), moved.Run(stop.Token)];
        try
        {
            Assert.True(await Wait.UntilAsync(() => old.Count >= 3), "the old address never echoed");
            Assert.Equal(0, moved.Count);

            root.WriteUnit("echo.socket", EchoSocket($"ListenStream=127.0.0.1:{newPort}"));
            Reload(root);

            Assert.True(await Wait.UntilAsync(() => moved.Count >= 3 && old.Refused > 0, TimeSpan.FromSeconds(30)),
                $"old: {old.Count} ok, {old.Refused} refused; new: {moved.Count} ok");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }

        long firstNew = moved.Successes.Min(), lastOld = old.Successes.Max();
        Assert.True(lastOld > firstNew, $"the old address's last echo came {Stopwatch.GetElapsedTime(lastOld, firstNew).TotalMilliseconds:0.0} ms before the new one's first");
        Assert.Equal(0, moved.Other);
        Assert.Equal($"127.0.0.1:{newPort} (Stream)", Cli.ShowOne(root, "echo.socket", "Listen"));
        Assert.Equal("by socat\n", Socat(root, $"TCP:127.0.0.1:{newPort}", "by socat\n"));
        Assert.True(NcRefused(root, oldPort));
        await AcceptTests.AssertJournalHasAsync(root, "echo.socket",
            $"echo.socket: Listeners changed by the reload: bound ListenStream=127.0.0.1:{newPort}; closed ListenStream=127.0.0.1:{oldPort}; kept 0.", daemon.Pid);
    }

    [Fact]
    public async Task An_AcceptNo_service_keeps_the_fds_it_was_given_and_the_socket_listens_on_the_new_address_once_it_ends()
    {
        using var root = new TempRoot();
        int oldPort = FreePort.Tcp(), newPort = FreePort.Tcp();
        root.WriteUnit("pass.socket", PassSocket(oldPort));
        root.WriteUnit("pass.service", PassService);
        using DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, "pass.socket");
        Assert.Equal("first\n", Socat(root, $"TCP:127.0.0.1:{oldPort}", "first\n"));
        int service = int.Parse(Cli.ShowOne(root, "pass.service", "MainPID"), CultureInfo.InvariantCulture);
        string given = StatInode(root, service, 3);

        root.WriteUnit("pass.socket", PassSocket(newPort));
        Reload(root);

        // The service runs on with its own copy of the old socket, which still echoes.
        Assert.Equal((service.ToString(CultureInfo.InvariantCulture), given), (Cli.ShowOne(root, "pass.service", "MainPID"), StatInode(root, service, 3)));
        Assert.Equal("old address, same service\n", Socat(root, $"TCP:127.0.0.1:{oldPort}", "old address, same service\n"));
        Assert.Equal("running", Cli.ShowOne(root, "pass.socket", "SubState"));
        await AcceptTests.AssertJournalHasAsync(root, "pass.socket",
            "pass.socket: pass.service keeps the listeners it was given until it ends; its next start gets the new set, and the socket listens on it once it is gone.", daemon.Pid);

        CommandResult stop = Cli.Run(root, "stop", "pass.service");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, "pass.socket", "SubState"), s => s == "listening"));
        Assert.True(NcRefused(root, oldPort));
        Assert.Equal("new address\n", Socat(root, $"TCP:127.0.0.1:{newPort}", "new address\n"));
        int next = int.Parse(Cli.ShowOne(root, "pass.service", "MainPID"), CultureInfo.InvariantCulture);
        Assert.NotEqual(service, next);
        Assert.Equal(Listeners(root, daemon.Pid)[$"127.0.0.1:{newPort}"].Inode, StatInode(root, next, 3));
    }

    [Fact]
    public async Task A_unit_whose_file_is_gone_or_masked_is_stopped_and_one_whose_file_no_longer_loads_runs_on()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        foreach (string name in (string[])["gone", "masked", "broken"])
            root.WriteUnit($"{name}.service", "[Service]\nExecStart=/bin/sleep infinity\n");
        root.WriteUnit("gone.socket", EchoSocket($"ListenStream=127.0.0.1:{port}"));
        root.WriteUnit("gone@.service", EchoTemplate);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        foreach (string unit in (string[])["gone.service", "masked.service", "broken.service", "gone.socket"])
            Assert.Equal(0, Cli.Run(root, "start", unit).ExitCode);
        var pids = ((string[])["gone", "masked", "broken"]).ToDictionary(n => n, n => int.Parse(Cli.ShowOne(root, $"{n}.service", "MainPID"), CultureInfo.InvariantCulture));
        Assert.Equal("kept\n", Socat(root, $"TCP:127.0.0.1:{port}", "kept\n"));

        File.Delete(Path.Combine(root.UnitDir, "gone.service"));
        File.Delete(Path.Combine(root.UnitDir, "gone.socket"));
        File.Delete(Path.Combine(root.UnitDir, "masked.service"));
        File.CreateSymbolicLink(Path.Combine(root.UnitDir, "masked.service"), "/dev/null");
        root.WriteUnit("broken.service", "[Service]\nExecStart=/bin/sleep \"infinity\n");
        Reload(root);

        Assert.True(await Wait.UntilAsync(() => !ProcFs.IsAlive(pids["gone"]) && !ProcFs.IsAlive(pids["masked"])), "the removed services still run");
        Assert.True(await Wait.UntilAsync(() => NcRefused(root, port)), "the removed socket still listens");
        // A killed process is a zombie (no longer alive) before the manager has reaped it and left deactivating.
        (string, string) Settled(string unit) => (Cli.IsActive(root, unit), Cli.ShowOne(root, unit, "LoadState"));
        Assert.Equal(("inactive", "not-found"), await Wait.ForAsync(() => Settled("gone.service"), s => s.Item1 == "inactive"));
        Assert.Equal(("inactive", "masked"), await Wait.ForAsync(() => Settled("masked.service"), s => s.Item1 == "inactive"));
        Assert.Equal(("inactive", "not-found"), await Wait.ForAsync(() => Settled("gone.socket"), s => s.Item1 == "inactive"));
        CommandResult start = Cli.Run(root, "start", "gone.service");
        Assert.True(start is { ExitCode: 5, StdErr: "Failed to start gone.service: Unit gone.service not found.\n" }, start.ToString());

        Assert.True(ProcFs.IsAlive(pids["broken"]));
        Assert.Equal(("active", pids["broken"].ToString(CultureInfo.InvariantCulture)), (Cli.IsActive(root, "broken.service"), Cli.ShowOne(root, "broken.service", "MainPID")));
        string journal = Cli.Run(root, "journal", "--no-pager").StdOut;
        Assert.Contains("gone.service: The unit file is gone since the reload: stopping it.", journal, StringComparison.Ordinal);
        Assert.Contains("gone.socket: The unit file is gone since the reload: stopping it.", journal, StringComparison.Ordinal);
        Assert.Contains("masked.service: The unit file is masked since the reload: stopping it.", journal, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(root.UnitDir, "broken.service")}:2: ", journal, StringComparison.Ordinal);
        Assert.Contains("broken.service: The new definition does not load (bad-setting, see the lines above): it runs on with the one it was started with.", journal, StringComparison.Ordinal);
        Assert.Empty(await Wait.ForAsync(daemon.ZombieChildren, z => z.Count == 0));   // the echo instance's exit is reaped on its own
    }
}
