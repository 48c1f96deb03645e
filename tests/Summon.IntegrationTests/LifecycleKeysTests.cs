using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The lifecycle and logging keys with real processes: Type=notify-reload answering ReloadSignal= through the real
/// systemd-notify, SyslogLevel=/SyslogLevelPrefix=/LogLevelMax= on the way into the journal, SendSIGHUP= at stop.
/// </summary>
public sealed class LifecycleKeysTests
{
    [Fact]
    public async Task Notify_reload_reload_returns_once_the_service_said_RELOADING_and_READY_again()
    {
        using var root = new TempRoot();
        string log = Path.Combine(root.Dir, "reloads");
        string script = Path.Combine(root.Dir, "svc.sh");
        File.WriteAllText(script, $$"""
            #!/bin/bash
            trap 'systemd-notify RELOADING=1; sleep 0.3; echo reloaded >> {{log}}; systemd-notify READY=1' USR1
            systemd-notify --ready
            while :; do sleep 0.05; done
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        root.WriteUnit("nr.service", $"[Service]\nType=notify-reload\nReloadSignal=SIGUSR1\nNotifyAccess=all\nExecStart={script}\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "nr.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("notify-reload", Cli.ShowOne(root, "nr.service", "Type"));

        CommandResult reload = Cli.Run(root, "reload", "nr.service");
        Assert.True(reload is { ExitCode: 0, StdErr: "" }, reload.ToString());
        Assert.Equal("reloaded\n", File.ReadAllText(log));   // the job waited for READY=1, which comes after the line
        Assert.Equal(new Dictionary<string, string> { ["ActiveState"] = "active", ["SubState"] = "running" },
            Cli.Show(root, "nr.service", "ActiveState", "SubState"));
        Assert.True(Cli.Run(root, "stop", "nr.service").ExitCode == 0);
    }

    [Fact]
    public async Task SyslogLevel_sets_unprefixed_lines_and_LogLevelMax_drops_the_less_important()
    {
        using var root = new TempRoot();
        root.WriteUnit("levels.service", """
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'echo plain; echo "<7>a debug line"; echo "<3>an error"; echo "<6>some info"'
            SyslogLevel=notice
            LogLevelMax=notice
            """);
        root.WriteUnit("noprefix.service", """
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'echo "<3>kept as written"'
            SyslogLevelPrefix=no
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.True(Cli.Run(root, "start", "levels.service", "noprefix.service").ExitCode == 0);

        CommandResult notice = Cli.Run(root, "journal", "-u", "levels.service", "-p", "notice..notice", "-o", "cat");
        Assert.Contains("plain", notice.StdOutLines);   // no prefix: SyslogLevel=
        CommandResult all = Cli.Run(root, "journal", "-u", "levels.service", "-o", "cat");
        Assert.Contains("an error", all.StdOutLines);
        Assert.DoesNotContain("a debug line", all.StdOutLines);   // LogLevelMax=notice
        Assert.DoesNotContain("some info", all.StdOutLines);
        CommandResult raw = Cli.Run(root, "journal", "-u", "noprefix.service", "-p", "info..info", "-o", "cat");
        Assert.Contains("<3>kept as written", raw.StdOutLines);
    }

    [Fact]
    public async Task SendSIGHUP_reaches_a_process_that_ignores_the_stop_signal()
    {
        using var root = new TempRoot();
        string log = Path.Combine(root.Dir, "hup");
        string ready = Path.Combine(root.Dir, "ready");
        root.WriteUnit("hup.service", $$"""
            [Service]
            ExecStart=/bin/bash -c 'trap "" TERM; trap "echo hup >> {{log}}; exit 0" HUP; touch {{ready}}; while :; do sleep 0.05; done'
            SendSIGHUP=yes
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.True(Cli.Run(root, "start", "hup.service").ExitCode == 0);
        Assert.True(await Wait.ForAsync(() => File.Exists(ready), r => r));   // the traps are set
        CommandResult stop = Cli.Run(root, "stop", "hup.service");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("hup\n", File.ReadAllText(log));
        Assert.Equal("inactive", Cli.IsActive(root, "hup.service"));
    }

    [Fact]
    public async Task Type_dbus_is_started_once_its_BusName_has_an_owner_and_stops_when_it_is_lost()
    {
        using var root = new TempRoot();
        string socket = Path.Combine(root.Dir, "bus");
        using var bus = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dbus-daemon",
            ["--session", "--nofork", "--nopidfile", "--address=unix:path=" + socket]) { UseShellExecute = false })!;
        try
        {
            Assert.True(await Wait.ForAsync(() => File.Exists(socket), e => e));
            string gate = Path.Combine(root.Dir, "gate");
            string owner = Path.Combine(root.Dir, "owner");
            // The service owns its name only once the test opens the gate: start must wait for the name, not the process.
            root.WriteUnit("named.service", $"""
                [Service]
                Type=dbus
                BusName=org.summon.Test
                Environment=DBUS_SESSION_BUS_ADDRESS=unix:path={socket}
                ExecStart=/bin/sh -c 'while [ ! -e {gate} ]; do sleep 0.05; done; dbus-test-tool black-hole --session --name=org.summon.Test & echo $! > {owner}; exec sleep 600'
                """);
            var environment = new Dictionary<string, string>(root.Environment) { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + socket };
            using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["daemon"], waitReady: true, environment);

            Task<CommandResult> start = Task.Run(() => Cli.Run(root, "start", "named.service"));
            Assert.Equal("activating", await Wait.ForAsync(() => Cli.IsActive(root, "named.service"), s => s == "activating"));
            await Task.Delay(300);
            Assert.False(start.IsCompleted, "start returned before the bus name had an owner");
            File.WriteAllText(gate, "");
            CommandResult started = await start.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(started.ExitCode == 0, started.ToString());
            Assert.Equal("active", Cli.IsActive(root, "named.service"));

            // The name goes while the main process lives on (its child owned it): the service is stopped.
            // The shell writes the owner's pid after the fork, so the child may hold the name (and start return) first.
            string ownerLine = await Wait.ForAsync(() => File.Exists(owner) ? File.ReadAllText(owner) : "", t => t.EndsWith('\n'));
            int ownerPid = int.Parse(ownerLine.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            System.Diagnostics.Process.GetProcessById(ownerPid).Kill();
            Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "named.service"), s => s is "inactive" or "failed"));
        }
        finally
        {
            bus.Kill();
        }
    }

    [Fact]
    public async Task Type_dbus_without_a_bus_fails_its_start_with_one_line_saying_what_to_do()
    {
        using var root = new TempRoot();
        root.WriteUnit("named.service", "[Service]\nType=dbus\nBusName=org.summon.Test\nExecStart=/bin/sleep 60\n");
        var environment = new Dictionary<string, string>(root.Environment) { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + Path.Combine(root.Dir, "no-bus") };
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["daemon"], waitReady: true, environment);
        CommandResult start = Cli.Run(root, "start", "named.service");
        Assert.Equal(1, start.ExitCode);
        Assert.Equal(new Dictionary<string, string> { ["ActiveState"] = "failed", ["Result"] = "resources" },
            Cli.Show(root, "named.service", "ActiveState", "Result"));
        CommandResult journal = Cli.Run(root, "journal", "-u", "named.service", "-o", "cat");
        Assert.Contains(journal.StdOutLines, l => l.StartsWith("named.service: Type=dbus needs a D-Bus bus to see BusName=org.summon.Test appear", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyslogFacility_and_LogExtraFields_are_fields_of_every_line_in_json()
    {
        using var root = new TempRoot();
        root.WriteUnit("fields.service", """
            [Service]
            Type=oneshot
            ExecStart=/bin/echo tagged
            SyslogFacility=local3
            LogExtraFields=TEAM=storage "NOTE=two words"
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.True(Cli.Run(root, "start", "fields.service").ExitCode == 0);
        CommandResult json = Cli.Run(root, "journal", "-u", "fields.service", "-o", "json");
        string line = Assert.Single(json.StdOutLines, l => l.Contains("\"tagged\"", StringComparison.Ordinal));
        Assert.Contains("\"SYSLOG_FACILITY\":\"19\"", line);
        Assert.Contains("\"TEAM\":\"storage\"", line);
        Assert.Contains("\"NOTE\":\"two words\"", line);
    }
}
