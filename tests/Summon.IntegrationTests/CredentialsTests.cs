using System.Globalization;
using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// LoadCredential=, SetCredential=, ImportCredential= and the refused encrypted forms, run by the published binary:
/// the per-invocation directory under SUMMON_RUNTIME_DIR/credentials, its private mount, its owner and modes, who
/// can read it, and that it is gone after stop. Needs root (User=, mount).
/// </summary>
public sealed class CredentialsTests
{
    [Fact]
    public async Task A_credential_is_readable_by_the_services_user_and_nobody_else_and_gone_after_stop()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using var unmount = new Unmount(root);
        string source = root.WriteFile("secret.src", "s3cret");
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string dir = Path.Combine(root.RuntimeDir, "credentials", "creds.service");
        root.WriteUnit("creds.service", $$"""
            [Service]
            User=nobody
            LoadCredential=secret:{{source}}
            SetCredential=secret:the default, which the loaded file overrides
            SetCredential=greeting:hello\nworld\x00!
            Environment=AT_D=%d
            ExecStart=/bin/sh -c 'test "$(cat "$CREDENTIALS_DIRECTORY/secret")" = s3cret || exit 3; exec sleep 1000'
            """);
        root.WriteUnit("snoop.service", $"""
            [Service]
            Type=oneshot
            User=daemon
            ExecStart=/bin/cat {dir}/secret
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", "creds.service").ExitCode);
        int pid = int.Parse(await Wait.ForAsync(() => Cli.ShowOne(root, "creds.service", "MainPID"), p => p != "0"), CultureInfo.InvariantCulture);
        // sleep runs only once the service, as nobody, has read the loaded credential.
        Assert.Equal("sleep", await Wait.ForAsync(() => ProcFs.Stat(pid)?.Comm, c => c == "sleep"));

        Dictionary<string, string> env = Environ(pid);
        Assert.Equal((dir, dir), (env["CREDENTIALS_DIRECTORY"], env["AT_D"]));
        Assert.Equal("500 65534 65534", Stat(root, dir));
        Assert.Equal("400 65534 65534", Stat(root, Path.Combine(dir, "secret")));
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(dir, "secret")));
        Assert.Equal("hello\nworld\0!"u8.ToArray(), File.ReadAllBytes(Path.Combine(dir, "greeting")));
        string mount = Assert.Single(MountsAt(dir));
        Assert.Contains($" {dir} ro,nosuid,nodev,noexec", mount);   // read-only once filled, never a way to run or reach devices
        Assert.Matches(" - (ramfs|tmpfs) ", mount);

        // Another user cannot read it: cat fails, so the oneshot does.
        Assert.NotEqual(0, Cli.Run(root, "start", "snoop.service").ExitCode);
        Assert.Equal("1", Cli.ShowOne(root, "snoop.service", "ExecMainStatus"));

        Assert.Equal(0, Cli.Run(root, "stop", "creds.service").ExitCode);
        Assert.Empty(MountsAt(dir));
        Assert.False(Directory.Exists(dir), "the credentials directory outlived the stop");
    }

    [Fact]
    public async Task ImportCredential_and_a_bare_LoadCredential_take_what_the_manager_was_given_in_its_CREDENTIALS_DIRECTORY()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using var unmount = new Unmount(root);
        root.WriteFile("received/app.token", "tok");
        root.WriteFile("received/app.key", "key");
        root.WriteFile("received/db.pass", "pw");
        root.SetEnvironment("CREDENTIALS_DIRECTORY", Path.Combine(root.Dir, "received"));
        string dir = Path.Combine(root.RuntimeDir, "credentials", "imp.service");
        root.WriteUnit("imp.service", """
            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ImportCredential=app.*
            LoadCredential=db:db.pass
            ExecStart=/bin/sh -c 'test -r "$CREDENTIALS_DIRECTORY/app.token"'
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult start = Cli.Run(root, "start", "imp.service");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal(["app.key", "app.token", "db"], Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(("tok", "key", "pw"), (File.ReadAllText(Path.Combine(dir, "app.token")), File.ReadAllText(Path.Combine(dir, "app.key")), File.ReadAllText(Path.Combine(dir, "db"))));
        Assert.Equal("500 0 0", Stat(root, dir));

        Assert.Equal(0, Cli.Run(root, "stop", "imp.service").ExitCode);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(MountsAt(dir));
    }

    [Fact]
    public async Task An_encrypted_credential_or_a_missing_source_fails_the_start_with_243_CREDENTIALS_and_says_why()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using var unmount = new Unmount(root);
        string missing = Path.Combine(root.Dir, "no-such-secret");
        string encrypted = root.WriteUnit("enc.service", "[Service]\nLoadCredentialEncrypted=key:/etc/hostname\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit("missing.service", $"[Service]\nType=oneshot\nLoadCredential=key:{missing}\nExecStart=/bin/true\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult verify = Cli.Run(root, "verify", encrypted);
        Assert.Contains($"{encrypted}:2: Summon does not support decrypting credentials (no TPM2 or host key): LoadCredentialEncrypted= makes every start of this unit fail with 243/CREDENTIALS.", verify.StdErr + verify.StdOut);

        Cli.Run(root, "start", "enc.service");   // simple: the start job succeeds, then the main process fails, as in systemd
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "enc.service"), s => s == "failed"));
        Assert.NotEqual(0, Cli.Run(root, "start", "missing.service").ExitCode);
        foreach (string unit in (string[])["enc.service", "missing.service"])
        {
            Dictionary<string, string> show = Cli.Show(root, unit, "ExecMainCode", "ExecMainStatus", "Result");
            Assert.Equal(("1", "243", "exit-code"), (show["ExecMainCode"], show["ExecMainStatus"], show["Result"]));
            Assert.False(Directory.Exists(Path.Combine(root.RuntimeDir, "credentials", unit)));
        }

        string journal = await Wait.ForAsync(() => Cli.Run(root, "journal", "--no-pager").StdOut, j => j.Contains("missing.service: Failed at step", StringComparison.Ordinal));
        Assert.Contains("enc.service: LoadCredentialEncrypted=key: Summon cannot decrypt credentials (no TPM2 or host key); give it with LoadCredential= from a file only root can read instead.", journal);
        Assert.Contains("enc.service: Failed at step CREDENTIALS spawning /bin/sleep: Operation not supported", journal);
        Assert.Contains($"missing.service: Failed to read credential '{missing}': No such file or directory;", journal);
        Assert.Contains("missing.service: Failed to set up credentials: No such file or directory", journal);
    }

    [Fact]
    public async Task A_FIFO_source_that_never_opens_holds_only_its_own_start_which_TimeoutStartSec_ends()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using var unmount = new Unmount(root);
        string fifo = Path.Combine(root.Dir, "cred.fifo");
        Assert.Equal(0, Cli.RunProgram(root, "mkfifo", null, fifo).ExitCode);
        string dir = Path.Combine(root.RuntimeDir, "credentials", "slow.service");
        root.WriteUnit("slow.service", $"[Service]\nType=oneshot\nTimeoutStartSec=3\nLoadCredential=key:{fifo}\nExecStart=/bin/true\n");
        root.WriteUnit("quick.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(0, Cli.Run(root, "start", "--no-block", "slow.service").ExitCode);
        Assert.Equal(0, Cli.Run(root, "start", "quick.service").ExitCode);   // the loop is not held by the FIFO
        Assert.Equal("activating", Cli.IsActive(root, "slow.service"));
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "slow.service"), s => s == "failed"));
        Assert.Equal("timeout", Cli.ShowOne(root, "slow.service", "Result"));

        // A writer at last: the late read finishes off the loop, and what it makes is removed after it.
        await File.WriteAllTextAsync(fifo, "late");
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists(dir) && MountsAt(dir).Count == 0), "the late credentials were left behind");
        Assert.Equal(0, Cli.Run(root, "stop", "quick.service").ExitCode);
    }

    [Fact]
    public async Task What_a_crashed_manager_left_is_replaced_by_the_next_start_and_removed_at_stop()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        using var unmount = new Unmount(root);
        string dir = Path.Combine(root.RuntimeDir, "credentials", "kept.service");
        root.WriteUnit("kept.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nSetCredential=k:v1\nExecStart=/bin/true\n");
        using (DaemonProcess first = await DaemonProcess.StartAsync(root))
        {
            Assert.Equal(0, Cli.Run(root, "start", "kept.service").ExitCode);
            Assert.Single(MountsAt(dir));
            Signals.Send(first.Pid, Signals.SIGKILL);
            Assert.True(await Wait.UntilAsync(() => first.HasExited), "the manager died");
        }
        Assert.Single(MountsAt(dir));   // a crash leaves it

        root.WriteUnit("kept.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nSetCredential=k:v2\nExecStart=/bin/true\n");
        using DaemonProcess second = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "restart", "kept.service").ExitCode);
        Assert.Single(MountsAt(dir));
        Assert.Equal("v2", File.ReadAllText(Path.Combine(dir, "k")));

        Assert.Equal(0, await second.StopAsync());   // the manager's shutdown stops the unit, and the directory goes
        Assert.Empty(MountsAt(dir));
        Assert.False(Directory.Exists(dir));
    }

    /// <summary>Whatever a failed test left mounted below its root goes (lazily) before the root is removed.</summary>
    private sealed class Unmount(TempRoot root) : IDisposable
    {
        public void Dispose()
        {
            foreach (string mount in File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(root.Dir + "/", StringComparison.Ordinal)))
                Cli.RunProgram(root, "umount", null, "-l", mount);
        }
    }

    /// <summary>The lines of /proc/self/mountinfo mounted exactly at <paramref name="path"/>.</summary>
    private static List<string> MountsAt(string path) =>
        [.. File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Split(' ')[4] == path)];

    private static string Stat(TempRoot root, string path) => Cli.RunProgram(root, "stat", null, "-c", "%a %u %g", path).StdOut.Trim();

    private static Dictionary<string, string> Environ(int pid) =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
}
