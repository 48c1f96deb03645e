using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// DevicePolicy=/DeviceAllow= and IPAddressAllow=/IPAddressDeny= (systemd.resource-control(5)) run by the published
/// binary: a oneshot service runs tests/Programs/sandbox-probe, which opens a device that exists here
/// (/dev/loop-control) and /dev/null, and connects to listeners of the test on 127.0.0.1 and 127.0.0.2; each answer
/// flips where the man page says. Needs root (cgroups, BPF).
/// </summary>
public sealed class CgroupAccessTests
{
    private const string Device = "/dev/loop-control";

    private static async Task<SandboxProbeReport> ProbeAsync(TempRoot root, DaemonProcess daemon, string name, string settings, string arguments = "")
    {
        string report = Path.Combine(root.Dir, name + ".report");
        root.WriteUnit(name + ".service", $"""
            [Service]
            Type=oneshot
            ExecStart={TestPrograms.SandboxProbe} -o {report} -d {Device} {arguments}
            {settings}
            """);
        CommandResult start = Cli.Run(root, "start", name + ".service");
        Assert.True(start.ExitCode == 0, start + daemon.Log);
        return await SandboxProbeReport.FromFileAsync(report);
    }

    private static bool Runnable => Environment.IsPrivilegedProcess && File.Exists(Device);

    [Fact]
    public async Task DevicePolicy_closed_refuses_a_device_keeps_the_pseudo_devices_and_DeviceAllow_gives_it_back()
    {
        if (!Runnable)
            return;
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        var plain = await ProbeAsync(root, daemon, "plain", "");
        Assert.True((plain["open_dev"], plain["open_null"]) == ("ok", "ok"), plain.Text);
        // "closed: in addition, allows access to standard pseudo devices including /dev/null, /dev/zero, /dev/full,
        // /dev/random, and /dev/urandom."
        var closed = await ProbeAsync(root, daemon, "closed", "DevicePolicy=closed");
        Assert.True((closed["open_dev"], closed["open_null"]) == ("EPERM", "ok"), closed.Text);
        // DeviceAllow= "Control access to specific device nodes ... r, w, m".
        var allowed = await ProbeAsync(root, daemon, "allowed", $"DevicePolicy=closed\nDeviceAllow={Device} rw");
        Assert.True((allowed["open_dev"], allowed["open_null"]) == ("ok", "ok"), allowed.Text);
        var writeOnly = await ProbeAsync(root, daemon, "write-only", $"DevicePolicy=closed\nDeviceAllow={Device} w");
        Assert.True(writeOnly["open_dev"] == "EPERM", writeOnly.Text);   // the probe opens it for reading
        // "strict: means to only allow types of access that are explicitly specified." The service's stdin is /dev/null,
        // opened after it joined its cgroup: reading it must be allowed; the probe's read-write open is not.
        var strict = await ProbeAsync(root, daemon, "strict", $"DevicePolicy=strict\nDeviceAllow={Device} r\nDeviceAllow=/dev/null r");
        Assert.True((strict["open_dev"], strict["open_null"]) == ("ok", "EPERM"), strict.Text);
        // "auto: in addition, allows access to all devices if no explicit DeviceAllow= is present": with one, it closes.
        var auto = await ProbeAsync(root, daemon, "auto-list", "DeviceAllow=/dev/zero r");
        Assert.True((auto["open_dev"], auto["open_null"]) == ("EPERM", "ok"), auto.Text);
    }

    [Fact]
    public async Task IPAddressDeny_drops_traffic_to_denied_peers_and_IPAddressAllow_wins()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var first = Listen(IPAddress.Loopback);
        using var second = Listen(IPAddress.Parse("127.0.0.2"));
        string one = $"-c 127.0.0.1:{Port(first)}", two = $"-c 127.0.0.2:{Port(second)}";
        using var root = new TempRoot();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        var plain = await ProbeAsync(root, daemon, "ip-plain", "", two);
        Assert.True(plain["connect"] == "ok", plain.Text);
        var denyAll = await ProbeAsync(root, daemon, "ip-deny-all", "IPAddressDeny=any", one);
        Assert.True(Dropped(denyAll["connect"]), denyAll.Text);
        // "Access is granted when the checked IP address matches an entry in the IPAddressAllow= list."
        var localhost = await ProbeAsync(root, daemon, "ip-localhost", "IPAddressDeny=any\nIPAddressAllow=localhost", two);
        Assert.True(localhost["connect"] == "ok", localhost.Text);
        // "Otherwise, access is denied when the checked IP address matches an entry in the IPAddressDeny= list.
        // Otherwise, access is granted."
        var denyOne = await ProbeAsync(root, daemon, "ip-deny-one", "IPAddressDeny=127.0.0.2/32", two);
        Assert.True(Dropped(denyOne["connect"]), denyOne.Text);
        var other = await ProbeAsync(root, daemon, "ip-deny-other", "IPAddressDeny=127.0.0.2/32", one);
        Assert.True(other["connect"] == "ok", other.Text);
        var reset = await ProbeAsync(root, daemon, "ip-reset", "IPAddressDeny=any\nIPAddressDeny=", one);
        Assert.True(reset["connect"] == "ok", reset.Text);
    }

    [Fact]
    public async Task Where_the_filters_cannot_be_applied_the_start_fails_with_219_CGROUP_and_best_effort_names_the_downgrade()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        // A manager whose cgroup root is not in a cgroup2 mount has no cgroups at all (SUMMON_CGROUP_ROOT elsewhere).
        root.SetEnvironment("SUMMON_CGROUP_ROOT", Path.Combine(root.Dir, "not-a-cgroup"));
        root.WriteUnit("guarded.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\nIPAddressDeny=any\n");
        root.WriteUnit("lenient.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\nDevicePolicy=closed\n[X-Summon]\nSandboxFallback=best-effort\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "guarded.service");
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal("219", Cli.ShowOne(root, "guarded.service", "ExecMainStatus"));
        string journal = Cli.Run(root, "journal", "-u", "guarded.service", "--no-pager").StdOut;
        Assert.Contains("IPAddressDeny= (no writable control group hierarchy here) cannot be applied: the start fails", journal, StringComparison.Ordinal);
        Assert.Contains("Failed at step CGROUP spawning /bin/true", journal, StringComparison.Ordinal);

        CommandResult lenient = Cli.Run(root, "start", "lenient.service");
        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        string downgrade = Cli.Run(root, "journal", "-u", "lenient.service", "--no-pager").StdOut;
        Assert.Contains("sandbox downgraded (best-effort): DevicePolicy=closed (no writable control group hierarchy here)", downgrade, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Accept_yes_socket_with_IPAddressDeny_any_cannot_answer_and_the_services_own_list_leaves_passed_sockets_alone()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        int denied = FreePort.Tcp(), allowed = FreePort.Tcp(), serviceOnly = FreePort.Tcp();
        const string Hello = "[Service]\nExecStart=/bin/echo hello\nStandardOutput=socket\n";
        root.WriteUnit("denied.socket", $"[Socket]\nListenStream=127.0.0.1:{denied}\nAccept=yes\nIPAddressDeny=any\n");
        root.WriteUnit("denied@.service", Hello);
        root.WriteUnit("allowed.socket", $"[Socket]\nListenStream=127.0.0.1:{allowed}\nAccept=yes\nIPAddressDeny=any\nIPAddressAllow=127.0.0.1\n");
        root.WriteUnit("allowed@.service", Hello);
        root.WriteUnit("service-only.socket", $"[Socket]\nListenStream=127.0.0.1:{serviceOnly}\nAccept=yes\n");
        root.WriteUnit("service-only@.service", Hello + "IPAddressDeny=any\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        foreach (string unit in (string[])["denied.socket", "allowed.socket", "service-only.socket"])
        {
            CommandResult start = Cli.Run(root, "start", unit);
            Assert.True(start.ExitCode == 0, start + daemon.Log);
        }

        // "the IP access list configured on the socket unit applies to all sockets associated with it directly": the
        // client's SYN is dropped, so no connection is made and no instance starts.
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, denied), timeout.Token));
        }
        Assert.Equal("0", Cli.ShowOne(root, "denied.socket", "NAccepted"));
        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, allowed))
            Assert.Equal("hello\n", Clients.ReadToEnd(client));
        // "Conversely, the IP access list configured for the service is not applied to any sockets passed into the
        // service via socket activation."
        using (Socket client = Clients.ConnectTcp(IPAddress.Loopback, serviceOnly))
            Assert.Equal("hello\n", Clients.ReadToEnd(client));
    }

    /// <summary>A dropped SYN is retransmitted, not refused: the probe gives up after two seconds (ETIMEDOUT); a kernel
    /// that reports the drop to the sender says EPERM.</summary>
    private static bool Dropped(string answer) => answer is "ETIMEDOUT" or "EPERM";

    private static Socket Listen(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(16);
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
