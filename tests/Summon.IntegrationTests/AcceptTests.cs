using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>Accept=yes: real clients (socat, in-process), IPv6, Unix paths, what a per-connection service sees.</summary>
public sealed partial class AcceptTests
{
    private const string Unit = DemoUnits.SocketName;

    [Fact]
    public async Task Socat_client_gets_its_line_back()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        using DaemonProcess daemon = await StartSocketAsync(root);

        CommandResult socat = Cli.RunProgram(root, "socat", "echo via socat\n", "-t", "5", "-", $"TCP:127.0.0.1:{port}");
        Assert.True(socat is { ExitCode: 0, StdOut: "echo via socat\n" }, socat.ToString());
        await AssertSettledAsync(root, daemon, accepted: 1);
    }

    [Fact]
    public async Task Ipv6_loopback_socket_echoes_and_names_instances_like_systemd()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp(IPAddress.IPv6Loopback);
        root.WriteUnit(Unit, DemoUnits.Socket($"[::1]:{port}"));
        root.WriteUnit(DemoUnits.TemplateName, DemoUnits.Service);
        using DaemonProcess daemon = await StartSocketAsync(root);
        Assert.Equal($"[::1]:{port} (Stream)", Cli.ShowOne(root, Unit, "Listen"));

        CommandResult socat = Cli.RunProgram(root, "socat", "over ipv6\n", "-t", "5", "-", $"TCP6:[::1]:{port}");
        Assert.True(socat is { ExitCode: 0, StdOut: "over ipv6\n" }, socat.ToString());

        using Socket client = Clients.ConnectTcp(IPAddress.IPv6Loopback, port);
        int clientPort = Clients.LocalPort(client);
        Assert.Equal("second\n", Clients.SendAndReadToEnd(client, "second\n"));

        // systemd 252: "%u-%s:%u-%s:%u" with inet_ntop text for IPv6; the description gets the peer as [addr]:port.
        string instance = $"demo-echo@1-::1:{port}-::1:{clientPort}.service";
        await AssertJournalHasAsync(root, instance,
            $"Started {instance} - Per-connection echo service for demo-echo.socket ([::1]:{clientPort}).", daemon.Pid);
        await AssertSettledAsync(root, daemon, accepted: 2);
    }

    [Fact]
    public async Task Unix_path_socket_echoes_and_names_instances_by_peer_pid_and_uid()
    {
        using var root = new TempRoot();
        string path = Path.Combine(root.RuntimeDir, "echo.sock");
        root.WriteUnit(Unit, DemoUnits.Socket(path));
        root.WriteUnit(DemoUnits.TemplateName, DemoUnits.Service);
        using DaemonProcess daemon = await StartSocketAsync(root);
        Assert.Equal($"{path} (Stream)", Cli.ShowOne(root, Unit, "Listen"));

        CommandResult socat = Cli.RunProgram(root, "socat", "over unix\n", "-t", "5", "-", $"UNIX-CONNECT:{path}");
        Assert.True(socat is { ExitCode: 0, StdOut: "over unix\n" }, socat.ToString());

        using Socket client = Clients.ConnectUnix(path);
        Assert.Equal("second\n", Clients.SendAndReadToEnd(client, "second\n"));

        // systemd 252: "%u-PID-UID" from SO_PEERCRED, and the description gets "PID n/UID n".
        int pid = Environment.ProcessId;
        string instance = $"demo-echo@1-{pid}-0.service";
        await AssertJournalHasAsync(root, instance,
            $"Started {instance} - Per-connection echo service for demo-echo.socket (PID {pid}/UID 0).", daemon.Pid);
        await AssertSettledAsync(root, daemon, accepted: 2);
    }

    [Fact]
    public async Task Service_without_socket_stdio_gets_the_connection_on_fd_3_with_listen_variables_and_nothing_else()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string script = root.WriteFile("bin/fdcheck.sh", FdCheckScript(redirectToFd3: true), executable: true);
        root.WriteUnit("fdcheck.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        root.WriteUnit("fdcheck@.service", $"[Service]\nExecStart=/bin/sh {script}\n");
        using DaemonProcess daemon = await StartSocketAsync(root, "fdcheck.socket");

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        int clientPort = Clients.LocalPort(client);
        FdReport report = FdReport.Parse(Clients.ReadToEnd(client), script);

        Assert.Equal(report.Variables["PID"], report.Variables["LISTEN_PID"]);
        Assert.Equal(report.Variables["PID"], report.Variables["SYSTEMD_EXEC_PID"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["LISTEN_FDS"] = "1",
                ["LISTEN_FDNAMES"] = "connection",
                ["REMOTE_ADDR"] = "127.0.0.1",
                ["REMOTE_PORT"] = clientPort.ToString(),
            },
            report.Variables.Where(kv => kv.Key is not ("PID" or "LISTEN_PID" or "SYSTEMD_EXEC_PID")).ToDictionary());
        // Only stdio and the connection: no listening socket, control socket, journal file or pipe of the manager.
        Assert.Equal([0, 1, 2, 3], report.Fds.Keys);
        Assert.StartsWith("socket:[", report.Fds[3]);
        Assert.Equal(report.Fds[3], report.Fds[1]);
        Assert.Equal("/dev/null", report.Fds[0]);
        await AssertSettledAsync(root, daemon, accepted: 1, unit: "fdcheck.socket");
    }

    [Fact]
    public async Task Service_with_socket_stdio_gets_no_listen_variables_but_the_remote_address()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string script = root.WriteFile("bin/fdcheck.sh", FdCheckScript(redirectToFd3: false), executable: true);
        root.WriteUnit("fdcheck.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n");
        root.WriteUnit("fdcheck@.service",
            $"[Service]\nExecStart=/bin/sh {script}\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n");
        using DaemonProcess daemon = await StartSocketAsync(root, "fdcheck.socket");

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        int clientPort = Clients.LocalPort(client);
        FdReport report = FdReport.Parse(Clients.ReadToEnd(client), script);

        // systemd sets LISTEN_* only when it passes fds from 3 on; with Standard*=socket it passes none.
        // SYSTEMD_EXEC_PID (systemd 248+) it sets for every service.
        Assert.Equal(report.Variables["PID"], report.Variables["SYSTEMD_EXEC_PID"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["LISTEN_PID"] = "",
                ["LISTEN_FDS"] = "",
                ["LISTEN_FDNAMES"] = "",
                ["REMOTE_ADDR"] = "127.0.0.1",
                ["REMOTE_PORT"] = clientPort.ToString(),
            },
            report.Variables.Where(kv => kv.Key is not ("PID" or "SYSTEMD_EXEC_PID")).ToDictionary());
        Assert.Equal([0, 1, 2], report.Fds.Keys);
        Assert.StartsWith("socket:[", report.Fds[0]);
        Assert.Equal(report.Fds[0], report.Fds[1]);
        await AssertSettledAsync(root, daemon, accepted: 1, unit: "fdcheck.socket");
    }

    [Fact]
    public async Task Instances_are_numbered_from_zero_and_logged_with_the_peer()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        DemoUnits.Write(root, port);
        using DaemonProcess daemon = await StartSocketAsync(root);

        var instances = new List<string>();
        for (int counter = 0; counter < 2; counter++)
        {
            using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
            int clientPort = Clients.LocalPort(client);
            Assert.Equal($"hello {counter}\n", Clients.SendAndReadToEnd(client, $"hello {counter}\n"));
            string instance = DemoUnits.InstanceName("demo-echo", counter, "127.0.0.1", port, "127.0.0.1", clientPort);
            Assert.Equal($"demo-echo@{counter}-127.0.0.1:{port}-127.0.0.1:{clientPort}.service", instance);
            instances.Add(instance);
            await AssertJournalHasAsync(root, instance,
                $"Started {instance} - Per-connection echo service for demo-echo.socket (127.0.0.1:{clientPort}).", daemon.Pid);
        }

        await AssertSettledAsync(root, daemon, accepted: 2);

        // While a connection is open its instance runs, is counted, and shows up as a trigger.
        using (Socket held = Clients.ConnectTcp(IPAddress.Loopback, port))
        {
            string instance = DemoUnits.InstanceName("demo-echo", 2, "127.0.0.1", port, "127.0.0.1", Clients.LocalPort(held));
            Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, instance), s => s == "active"));
            Assert.Equal("1", Cli.ShowOne(root, Unit, "NConnections"));
            CommandResult status = Cli.Run(root, "status", "--no-pager", "--full", Unit);
            Assert.Contains($"   Triggers: ● {instance}", status.StdOutLines);
            Assert.Equal("listening", Cli.ShowOne(root, Unit, "SubState"));
        }

        await AssertSettledAsync(root, daemon, accepted: 3);
    }

    [Fact]
    public async Task Service_stderr_lands_in_the_journal_under_the_instance_name()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Unit, DemoUnits.Socket(port));
        root.WriteUnit(DemoUnits.TemplateName,
            "[Service]\nExecStart=/bin/sh -c 'echo err-line-from-service >&2; exec cat'\n"
            + "StandardInput=socket\nStandardOutput=socket\nStandardError=journal\n");
        using DaemonProcess daemon = await StartSocketAsync(root);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        string instance = DemoUnits.InstanceName("demo-echo", 0, "127.0.0.1", port, "127.0.0.1", Clients.LocalPort(client));
        Assert.Equal("ping\n", Clients.SendAndReadToEnd(client, "ping\n"));

        List<JournalLine> lines = await Wait.ForAsync(
            () => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", instance, "--no-pager").StdOut),
            l => l.Any(j => j.Message == "err-line-from-service"));
        JournalLine line = Assert.Single(lines, j => j.Message == "err-line-from-service");
        Assert.NotEqual(daemon.Pid, line.Pid);
        Assert.DoesNotContain(
            JournalLine.ParseAll(Cli.Run(root, "journal", "-u", Unit, "--no-pager").StdOut),
            j => j.Message == "err-line-from-service");
        await AssertSettledAsync(root, daemon, accepted: 1);
    }

    [Fact]
    public async Task Instance_leads_its_own_process_group_in_the_managers_session_and_is_killed_as_a_group()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Unit, DemoUnits.Socket(port));
        // Reports "pid pgrp session", then leaves a child in its group and waits: stopping the instance must reach it.
        string script = root.WriteFile("bin/group.sh",
            "#!/bin/sh\nset -- $(cut -d' ' -f5,6 /proc/$$/stat)\necho $$ $1 $2\nsleep 300 &\necho $!\nwait\n", executable: true);
        root.WriteUnit(DemoUnits.TemplateName, $"[Service]\nExecStart=/bin/sh {script}\nStandardInput=socket\nStandardOutput=socket\n");
        using DaemonProcess daemon = await StartSocketAsync(root);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        string instance = DemoUnits.InstanceName("demo-echo", 0, "127.0.0.1", port, "127.0.0.1", Clients.LocalPort(client));
        string[] lines = Clients.ReadLines(client, 2);
        string[] ids = lines[0].Split(' ');
        Assert.Equal(ids[0], ids[1]);                                      // pgid == pid: KillMode= signals the group
        Assert.Equal(daemon.Pid.ToString(), ids[2]);                       // the manager's session (the harness's daemon leads its own)
        Assert.Equal(ids[0], Cli.ShowOne(root, instance, "MainPID"));

        int sleeper = int.Parse(lines[1]);
        CommandResult stop = Cli.Run(root, "stop", instance);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.True(await Wait.ForAsync(() => !Directory.Exists($"/proc/{sleeper}"), gone => gone), $"pid {sleeper} outlived its instance");
        await AssertSettledAsync(root, daemon, accepted: 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // SUMMON_SPAWN_VFORK=1: the manager waits for each execve (as under valgrind); same outcome
    public async Task Instance_whose_program_is_missing_fails_with_203_EXEC_and_closes_the_connection(bool vforkOnly)
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Unit, DemoUnits.Socket(port));
        root.WriteUnit(DemoUnits.TemplateName, "[Service]\nExecStart=/nonexistent/echo\nStandardInput=socket\nStandardOutput=socket\n");
        using DaemonProcess daemon = await StartSocketAsync(root, Unit,
            vforkOnly ? ["/usr/bin/env", "SUMMON_SPAWN_VFORK=1", SummonBinary.Path, "daemon"] : null);

        using Socket client = Clients.ConnectTcp(IPAddress.Loopback, port);
        string instance = DemoUnits.InstanceName("demo-echo", 0, "127.0.0.1", port, "127.0.0.1", Clients.LocalPort(client));
        Assert.Equal("", Clients.ReadToEnd(client));   // EOF: nothing holds the connection (sent data would make it a reset)
        await AssertJournalHasAsync(root, instance, $"{instance}: Failed at step EXEC spawning /nonexistent/echo: No such file or directory", daemon.Pid);
        await AssertJournalHasAsync(root, instance, $"{instance}: Main process exited, code=exited, status=203/EXEC", daemon.Pid);
        await AssertSettledAsync(root, daemon, accepted: 1);   // and the socket is still listening
    }

    [Fact]
    public async Task Without_clone3_instances_start_through_the_clone_fallback_with_default_signals()
    {
        // As under an older container seccomp profile: clone3 fails with ENOSYS, so the manager starts every child
        // with clone(), and the child resets the signal handlers itself.
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit(Unit, DemoUnits.Socket(port));
        root.WriteUnit(DemoUnits.TemplateName,
            "[Service]\nExecStart=/bin/grep -E '^Sig(Blk|Ign)' /proc/self/status\nStandardInput=socket\nStandardOutput=socket\n");
        int missingPort = FreePort.Tcp();
        root.WriteUnit("missing.socket", $"[Socket]\nListenStream=127.0.0.1:{missingPort}\nAccept=yes\n");
        root.WriteUnit("missing@.service", "[Service]\nExecStart=/nonexistent/echo\nStandardInput=socket\n");
        using DaemonProcess daemon = await StartSocketAsync(root, Unit, [TestPrograms.WithoutClone3, SummonBinary.Path, "daemon"]);
        Assert.Contains("Seccomp:\t2", File.ReadAllText($"/proc/{daemon.Pid}/status"));

        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, port))
        {
            // Nothing blocked; only SIGPIPE ignored (IgnoreSIGPIPE=yes).
            Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n", Clients.ReadToEnd(client));
        }

        CommandResult start = Cli.Run(root, "start", "missing.socket");
        Assert.True(start.ExitCode == 0, start.ToString());
        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, missingPort))
        {
            string instance = DemoUnits.InstanceName("missing", 0, "127.0.0.1", missingPort, "127.0.0.1", Clients.LocalPort(client));
            Assert.Equal("", Clients.ReadToEnd(client));
            await AssertJournalHasAsync(root, instance, $"{instance}: Main process exited, code=exited, status=203/EXEC", daemon.Pid);
        }
        await AssertSettledAsync(root, daemon, accepted: 1);
    }

    /// <summary>Starts the daemon and the socket, and checks it listens.</summary>
    internal static async Task<DaemonProcess> StartSocketAsync(TempRoot root, string unit = Unit, string[]? command = null)
    {
        DaemonProcess daemon = command is null
            ? await DaemonProcess.StartAsync(root)
            : await DaemonProcess.StartAsync(root, command[0], command[1..], waitReady: true);
        try
        {
            CommandResult start = Cli.Run(root, "start", unit);
            Assert.True(start is { ExitCode: 0, StdOut: "", StdErr: "" }, start.ToString());
            Assert.Equal("listening", Cli.ShowOne(root, unit, "SubState"));
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    /// <summary>After the clients left: no live instance, exact counters, no zombie, still listening.</summary>
    internal static async Task AssertSettledAsync(TempRoot root, DaemonProcess daemon, int accepted, string unit = Unit)
    {
        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, unit, "NConnections"), v => v == "0"));
        Assert.Equal(
            new Dictionary<string, string> { ["NAccepted"] = accepted.ToString(), ["NConnections"] = "0", ["NRefused"] = "0" },
            Cli.Show(root, unit, "NAccepted", "NConnections", "NRefused"));
        Assert.Empty(await Wait.ForAsync(daemon.ZombieChildren, z => z.Count == 0));
        Assert.Equal("listening", Cli.ShowOne(root, unit, "SubState"));
    }

    internal static async Task AssertJournalHasAsync(TempRoot root, string unit, string message, int daemonPid)
    {
        List<JournalLine> lines = await Wait.ForAsync(
            () => JournalLine.ParseAll(Cli.Run(root, "journal", "-u", unit, "--no-pager").StdOut),
            l => l.Any(j => j.Message == message));
        JournalLine line = Assert.Single(lines, j => j.Message == message);
        Assert.Equal(("summon", daemonPid), (line.Identifier, line.Pid));
    }

    /// <summary>
    /// A service script that reports its pid, the activation variables and its own open fds. Run as
    /// <c>/bin/sh FILE</c>, so systemd's own <c>$</c> expansion of ExecStart= never touches it.
    /// </summary>
    internal static string FdCheckScript(bool redirectToFd3) =>
        (redirectToFd3 ? "#!/bin/sh\nexec >&3\n" : "#!/bin/sh\n")
        + """
          echo "PID=$$"
          echo "LISTEN_PID=$LISTEN_PID"
          echo "SYSTEMD_EXEC_PID=$SYSTEMD_EXEC_PID"
          echo "LISTEN_FDS=$LISTEN_FDS"
          echo "LISTEN_FDNAMES=$LISTEN_FDNAMES"
          echo "REMOTE_ADDR=$REMOTE_ADDR"
          echo "REMOTE_PORT=$REMOTE_PORT"
          echo "FDS:"
          ls -l /proc/$$/fd

          """;

    /// <summary>The report of <see cref="FdCheckScript"/>: variables, then fd → target without the shell's script fd.</summary>
    internal sealed partial record FdReport(Dictionary<string, string> Variables, SortedDictionary<int, string> Fds)
    {
        public static FdReport Parse(string text, string scriptPath)
        {
            string[] lines = CommandResult.SplitLines(text);
            int fdsAt = Array.IndexOf(lines, "FDS:");
            Assert.True(fdsAt > 0, $"no FDS: marker in\n{text}");
            var variables = lines[..fdsAt].Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            var fds = new SortedDictionary<int, string>();
            foreach (string line in lines[(fdsAt + 1)..])
            {
                Match match = FdLine().Match(line);
                // dash keeps the script it reads open on a high fd of its own; that one is not inherited.
                if (match.Success && match.Groups[2].Value != scriptPath)
                {
                    fds[int.Parse(match.Groups[1].Value)] = match.Groups[2].Value;
                }
            }

            return new FdReport(variables, fds);
        }

        [GeneratedRegex(@" (\d+) -> (.*)$")]
        private static partial Regex FdLine();
    }
}
