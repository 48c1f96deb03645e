using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// One binary, many names (like busybox): a symlink called systemctl, systemd-analyze or journalctl behaves as
/// summon, summon analyze and summon journal. The name is argv[0]; /proc/self/exe would name summon itself.
/// </summary>
public sealed class MultiCallTests
{
    private const string Unit = DemoUnits.SocketName;

    private static string Link(TempRoot root, string name)
    {
        string path = Path.Combine(root.Dir, "bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            File.CreateSymbolicLink(path, SummonBinary.Path);
        }

        return path;
    }

    [Fact]
    public void Systemd_analyze_link_verifies_like_summon_verify()
    {
        using var root = new TempRoot();
        (string socketPath, string servicePath) = DemoUnits.Write(root, FreePort.Tcp());
        string bad = root.WriteUnit("typo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAcept=yes\n");
        root.WriteUnit("typo.service", "[Service]\nExecStart=/bin/cat\n");
        string analyze = Link(root, "systemd-analyze");

        CommandResult good = Cli.RunProgram(root, analyze, null, "verify", servicePath, socketPath);
        Assert.True(good is { ExitCode: 0, StdOut: "", StdErr: "" }, good.ToString());

        CommandResult warned = Cli.RunProgram(root, analyze, null, "verify", bad);
        Assert.True(warned is { ExitCode: 0, StdOut: "" }, warned.ToString());
        Assert.Equal([$"{bad}:3: Unknown key 'Acept' in section [Socket], ignoring."], warned.StdErrLines);
        CommandResult direct = Cli.Run(root, "verify", bad);
        Assert.Equal((warned.ExitCode, warned.StdOut, warned.StdErr), (direct.ExitCode, direct.StdOut, direct.StdErr));
    }

    [Fact]
    public async Task Systemctl_and_journalctl_links_drive_the_daemon()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        (string socketPath, _) = DemoUnits.Write(root, port);
        string systemctl = Link(root, "systemctl");
        string journalctl = Link(root, "journalctl");

        CommandResult isEnabled = Cli.RunProgram(root, systemctl, null, "is-enabled", Unit);
        Assert.True(isEnabled is { ExitCode: 1, StdOut: "disabled\n" }, isEnabled.ToString());

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        CommandResult enable = Cli.RunProgram(root, systemctl, null, "enable", "--now", Unit);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        string link = Path.Combine(root.UnitDir, "sockets.target.wants", Unit);
        Assert.Contains($"Created symlink {link} \u2192 {socketPath}.", enable.StdOutLines.Concat(enable.StdErrLines));

        CommandResult show = Cli.RunProgram(root, systemctl, null, "show", Unit, "-p", "Listen", "-p", "ActiveState", "-p", "SubState");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal($"Listen=127.0.0.1:{port} (Stream)\nActiveState=active\nSubState=listening\n", show.StdOut);

        CommandResult isActive = Cli.RunProgram(root, systemctl, null, "is-active", Unit);
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());

        CommandResult journal = Cli.RunProgram(root, journalctl, null, "-u", Unit, "-n", "10", "--no-pager");
        Assert.True(journal.ExitCode == 0, journal.ToString());
        Assert.Contains(JournalLine.ParseAll(journal.StdOut),
            j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemon.Pid);
        CommandResult direct = Cli.Run(root, "journal", "-u", Unit, "-n", "10", "--no-pager");
        Assert.Equal(direct.StdOut, journal.StdOut);
    }

    [Fact]
    public void Summon_under_its_own_name_and_through_a_link_named_summon_is_the_same_program()
    {
        using var root = new TempRoot();
        (string socketPath, string servicePath) = DemoUnits.Write(root, FreePort.Tcp());
        string summonLink = Link(root, "summon");
        CommandResult viaLink = Cli.RunProgram(root, summonLink, null, "verify", servicePath, socketPath);
        Assert.True(viaLink is { ExitCode: 0, StdOut: "", StdErr: "" }, viaLink.ToString());
        CommandResult isEnabled = Cli.RunProgram(root, summonLink, null, "is-enabled", Unit);
        Assert.True(isEnabled is { ExitCode: 1, StdOut: "disabled\n" }, isEnabled.ToString());
    }
}
