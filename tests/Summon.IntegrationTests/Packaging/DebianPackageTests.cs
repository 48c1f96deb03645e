using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.Packaging;

/// <summary>
/// packaging/deb/build.sh on the binary under test, then what a user does with the package: dpkg -i, summon
/// --version, man -w summon, the walkthrough through the installed multi-call links with the installed example
/// units, and dpkg --purge, which must leave nothing behind.
/// </summary>
public sealed class DebianPackageTests
{
    private const string LinkDirectory = "/usr/lib/summon/bin";

    [RootOnlyFact("dpkg -i installs into /usr")]
    public async Task Deb_installs_serves_the_walkthrough_through_its_links_and_purges_cleanly()
    {
        using var root = new TempRoot();
        string deb = Build(root);
        Assert.Matches(@"/summon_[0-9][0-9A-Za-z.+~-]*_amd64\.deb$", deb);

        using MachineLock held = await MachineLock.AcquireAsync("summon-package-tests", TimeSpan.FromMinutes(5));
        try
        {
            await DpkgAsync("-i", deb);

            CommandResult version = Command.Run("/usr/bin/summon", ["--version"]);
            CommandResult published = Command.Run(SummonBinary.Path, ["--version"]);
            Assert.True(version.ExitCode == 0 && version.StdOut == published.StdOut, version.ToString());
            CommandResult manual = Command.Run("man", ["-w", "summon"]);
            Assert.True(manual is { ExitCode: 0, StdOut: "/usr/share/man/man1/summon.1.gz\n" }, manual.ToString());
            Assert.True(File.Exists("/usr/share/bash-completion/completions/summon"));
            Assert.True(File.Exists("/usr/share/zsh/vendor-completions/_summon"));
            foreach (string name in (string[])["systemctl", "journalctl", "systemd-analyze", "systemd-escape"])
            {
                Assert.Equal("/usr/bin/summon", new FileInfo(Path.Combine(LinkDirectory, name)).ResolveLinkTarget(true)?.FullName);
                // The links must not shadow a real systemd: nothing of ours in /usr/bin under these names.
                string inBin = Path.Combine("/usr/bin", name);
                Assert.False(File.Exists(inBin) && new FileInfo(inBin).ResolveLinkTarget(true)?.FullName == "/usr/bin/summon", inBin);
            }

            await WalkthroughThroughLinksAsync(root);
        }
        finally
        {
            await DpkgAsync("--purge", "summon");
        }

        Assert.False(File.Exists("/usr/bin/summon"));
        Assert.False(Directory.Exists("/usr/lib/summon"));
        Assert.False(Directory.Exists("/usr/share/doc/summon"));
        Assert.NotEqual(0, Command.Run("man", ["-w", "summon"]).ExitCode);
    }

    private static string Build(TempRoot root)
    {
        string script = Path.Combine(RepositoryRoot.Find(), "packaging", "deb", "build.sh");
        CommandResult build = Command.Run(script, ["--bin", SummonBinary.Path, "--out", Path.Combine(root.Dir, "deb")], timeout: TimeSpan.FromMinutes(3));
        Assert.True(build.ExitCode == 0, build.ToString());
        string deb = build.StdOutLines[^1];
        Assert.True(File.Exists(deb), build.ToString());
        return deb;
    }

    /// <summary>The seed walkthrough with the package's example units, every command through an installed link.</summary>
    private static async Task WalkthroughThroughLinksAsync(TempRoot root)
    {
        int port = FreePort.Tcp();
        string examples = "/usr/share/doc/summon/examples/demo-echo";
        string socketPath = root.WriteUnit(DemoUnits.SocketName,
            File.ReadAllText(Path.Combine(examples, DemoUnits.SocketName)).Replace("127.0.0.1:9091", $"127.0.0.1:{port}", StringComparison.Ordinal));
        string servicePath = root.WriteUnit("demo-echo@.service", File.ReadAllText(Path.Combine(examples, "demo-echo@.service")));
        string systemctl = Path.Combine(LinkDirectory, "systemctl");

        CommandResult verify = Cli.RunProgram(root, Path.Combine(LinkDirectory, "systemd-analyze"), null, "verify", servicePath, socketPath);
        Assert.True(verify is { ExitCode: 0, StdOut: "", StdErr: "" }, verify.ToString());

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, "/usr/bin/summon", ["daemon"], waitReady: true);
        CommandResult reload = Cli.RunProgram(root, systemctl, null, "daemon-reload");
        Assert.True(reload is { ExitCode: 0, StdOut: "" }, reload.ToString());
        CommandResult enable = Cli.RunProgram(root, systemctl, null, "enable", "--now", DemoUnits.SocketName);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.Equal(socketPath, new FileInfo(Path.Combine(root.UnitDir, "sockets.target.wants", DemoUnits.SocketName)).LinkTarget);

        CommandResult show = Cli.RunProgram(root, systemctl, null, "show", DemoUnits.SocketName, "-p", "Listen", "-p", "ActiveState", "-p", "SubState");
        Assert.True(show is { ExitCode: 0 } && show.StdOut == $"Listen=127.0.0.1:{port} (Stream)\nActiveState=active\nSubState=listening\n", show.ToString());

        CommandResult nc = Cli.RunProgram(root, "nc", "socket activation works\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "socket activation works\n" }, nc.ToString());
        Assert.Equal("0", await Wait.ForAsync(() => Cli.ShowOne(root, DemoUnits.SocketName, "NConnections"), v => v == "0"));

        CommandResult status = Cli.RunProgram(root, systemctl, null, "status", "--no-pager", "--full", DemoUnits.SocketName);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("● demo-echo.socket - Socket unit for demo-echo", status.StdOutLines[0]);
        Assert.Contains("   Accepted: 1; Connected: 0;", status.StdOutLines);

        CommandResult journal = Cli.RunProgram(root, Path.Combine(LinkDirectory, "journalctl"), null, "-u", DemoUnits.SocketName, "-n", "10", "--no-pager");
        Assert.True(journal.ExitCode == 0, journal.ToString());
        Assert.Contains(JournalLine.ParseAll(journal.StdOut), j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemon.Pid);

        CommandResult isActive = Cli.RunProgram(root, systemctl, null, "is-active", DemoUnits.SocketName);
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());
        CommandResult escape = Cli.RunProgram(root, Path.Combine(LinkDirectory, "systemd-escape"), null, "--template=demo-echo@.service", "a b");
        Assert.True(escape is { ExitCode: 0, StdOut: "demo-echo@a\\x20b.service\n" }, escape.ToString());
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>dpkg, waiting out another dpkg or apt run holding its lock.</summary>
    private static async Task DpkgAsync(params string[] arguments)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            CommandResult result = Command.Run("dpkg", arguments, timeout: TimeSpan.FromMinutes(2));
            if (result.ExitCode == 0)
                return;
            Assert.True(result.StdErr.Contains("lock", StringComparison.Ordinal) && DateTime.UtcNow < deadline, result.ToString());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
