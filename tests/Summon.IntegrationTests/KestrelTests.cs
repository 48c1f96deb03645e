using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// A real ASP.NET Core app (tests/Programs/KestrelApp: <c>ConfigureKestrel(o =&gt; o.UseSystemd())</c> and
/// Microsoft.Extensions.Hosting.Systemd 11.0.0) as Type=notify + Accept=no. Kestrel serves only what it got through
/// LISTEN_FDS with LISTEN_PID == its pid, and Hosting.Systemd sends READY=1 only when SYSTEMD_EXEC_PID == its pid.
/// </summary>
public sealed class KestrelTests
{
    private const string Socket = "web.socket";
    private const string Service = "web.service";

    private static string ServiceUnit(string gate) =>
        $"""
        [Unit]
        Description=Kestrel test app

        [Service]
        Type=notify
        ExecStart={TestPrograms.Dotnet} {TestPrograms.KestrelAppDll}
        Environment=DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 KESTREL_APP_READY_GATE={gate}
        TimeoutStartSec=60

        """;

    private static async Task<(TempRoot Root, DaemonProcess Daemon, int Port, string Gate)> StartAsync()
    {
        var root = new TempRoot();
        try
        {
            int port = FreePort.Tcp();
            string gate = Path.Combine(root.Dir, "ready-gate");
            root.WriteUnit(Socket, $"[Unit]\nDescription=Kestrel socket\n\n[Socket]\nListenStream=127.0.0.1:{port}\n");
            root.WriteUnit(Service, ServiceUnit(gate));
            DaemonProcess daemon = await AcceptTests.StartSocketAsync(root, Socket);
            return (root, daemon, port, gate);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Curl_gets_the_first_response_and_status_is_running_only_after_READY()
    {
        (TempRoot root, DaemonProcess daemon, int port, string gate) = await StartAsync();
        using (root)
        using (daemon)
        {
            // No service yet; the first request is queued on the socket and answered by the app the manager starts.
            Assert.Equal("inactive", Cli.IsActive(root, Service));
            CommandResult curl = Cli.RunProgram(root, "curl", null, "-sS", "--max-time", "60", $"http://127.0.0.1:{port}/");
            Assert.True(curl.ExitCode == 0, curl.ToString() + "\n[log]\n" + daemon.Log);
            string mainPid = Cli.ShowOne(root, Service, "MainPID");
            Assert.Equal($"hello from pid {mainPid}\n", curl.StdOut);

            // Kestrel serves, but the app holds READY=1 back until the gate opens: the unit is still starting.
            CommandResult starting = StatusText.Of(root, Service);
            Assert.Equal("activating (start)", StatusText.Active(starting));
            Assert.Equal($"{mainPid} (dotnet)", StatusText.Field(starting, "Main PID"));
            Assert.Equal(
                new Dictionary<string, string> { ["ActiveState"] = "activating", ["SubState"] = "start" },
                Cli.Show(root, Service, "ActiveState", "SubState"));
            Assert.Equal("running", Cli.ShowOne(root, Socket, "SubState"));

            File.WriteAllText(gate, "");
            CommandResult running = await StatusText.WaitForActiveAsync(root, Service, "active (running)", TimeSpan.FromSeconds(60));
            Assert.True(StatusText.Active(running) == "active (running)", running.ToString() + "\n[log]\n" + daemon.Log);
            Assert.Equal(mainPid, Cli.ShowOne(root, Service, "MainPID"));
            await AcceptTests.AssertJournalHasAsync(root, Service, "Started web.service - Kestrel test app.", daemon.Pid);

            // Still the same process on the next request.
            CommandResult again = Cli.RunProgram(root, "curl", null, "-sS", "--max-time", "30", $"http://127.0.0.1:{port}/");
            Assert.True(again is { ExitCode: 0 } && again.StdOut == $"hello from pid {mainPid}\n", again.ToString());

            // SIGTERM: the host stops (STOPPING=1) and exits 0; the socket is the manager's again.
            CommandResult stop = Cli.Run(root, "stop", Service);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Equal(
                new Dictionary<string, string> { ["ActiveState"] = "inactive", ["Result"] = "success" },
                Cli.Show(root, Service, "ActiveState", "Result"));
            Assert.Equal("listening", await Wait.ForAsync(() => Cli.ShowOne(root, Socket, "SubState"), s => s == "listening"));
        }
    }

    [Fact]
    public async Task The_app_sees_the_activation_variables_of_its_own_pid()
    {
        (TempRoot root, DaemonProcess daemon, int port, string gate) = await StartAsync();
        using (root)
        using (daemon)
        {
            File.WriteAllText(gate, "");
            CommandResult curl = Cli.RunProgram(root, "curl", null, "-sS", "--max-time", "60", $"http://127.0.0.1:{port}/env");
            Assert.True(curl.ExitCode == 0, curl.ToString() + "\n[log]\n" + daemon.Log);
            string mainPid = Cli.ShowOne(root, Service, "MainPID");
            // NOTIFY_SOCKET is empty: SystemdNotifier takes it out of the environment once it has read it, as sd_notify does.
            Assert.Equal(
                $"LISTEN_PID={mainPid}\nLISTEN_FDS=1\nLISTEN_FDNAMES=web.socket\nSYSTEMD_EXEC_PID={mainPid}\nNOTIFY_SOCKET=\nIsSystemdService=True\n",
                curl.StdOut);
            Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, Service), s => s == "active", TimeSpan.FromSeconds(60)));
        }
    }
}
