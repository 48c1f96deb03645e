using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The daemon never maps OpenSSL: System.Security.Cryptography (RandomNumberGenerator, SHA256, …) loads libssl and
/// libcrypto on Linux, megabytes of resident memory a manager has no use for. A cgroup name hashed with SHA-256 did.
/// </summary>
public sealed class NoOpenSslTests
{
    [Fact]
    public async Task A_running_daemon_with_a_socket_and_a_service_maps_no_libcrypto()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        root.WriteUnit("idle.socket", $"[Socket]\nListenStream=127.0.0.1:{port}\n");
        root.WriteUnit("idle.service", "[Service]\nExecStart=/bin/sleep 30\n");
        // Without SUMMON_CGROUP_ROOT a manager with a redirected runtime directory names its own cgroup subtree.
        var environment = root.Environment.Where(e => e.Key != "SUMMON_CGROUP_ROOT").ToDictionary(e => e.Key, e => e.Value);
        try
        {
            using DaemonProcess daemon = await DaemonProcess.StartAsync(root, SummonBinary.Path, ["daemon"], waitReady: true, environment);
            Assert.True(Cli.Run(root, "start", "idle.socket", "idle.service").ExitCode == 0);
            Assert.Equal("active", Cli.IsActive(root, "idle.service"));

            string maps = File.ReadAllText($"/proc/{daemon.Pid}/maps");
            Assert.DoesNotContain("libcrypto", maps);
            Assert.DoesNotContain("libssl", maps);
            Assert.True(Cli.Run(root, "stop", "idle.service").ExitCode == 0);
        }
        finally
        {
            RemoveManagerSubtree(root.RuntimeDir);
        }
    }

    /// <summary>The manager's own summon-HASH subtree, should a daemon that did not stop cleanly have left it.</summary>
    private static void RemoveManagerSubtree(string runtimeDir)
    {
        if (Summon.Processes.CgroupMounts.Read().Unified is not { } mount)
            return;
        string own = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";
        string dir = Path.Combine(mount + own, "summon-" + Summon.Manager.ControlGroups.CgroupDetection.NameHash(runtimeDir));
        if (!Directory.Exists(dir))
            return;
        foreach (string sub in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            Directory.Delete(sub);
        Directory.Delete(dir);
    }
}
