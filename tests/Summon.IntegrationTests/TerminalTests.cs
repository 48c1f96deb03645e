using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// Colour and the pager exactly when systemctl 252 uses them, and nothing else written to a terminal: the CLI runs on
/// a pseudo-terminal (util-linux script) and $PAGER is a script that records how it was started and what it read.
/// </summary>
public sealed class TerminalTests
{
    private const string Green = "\x1b[0;1;32m", Red = "\x1b[0;1;31m", Yellow = "\x1b[0;1;38;5;185m", Normal = "\x1b[0m";

    [Theory]
    [InlineData("--version")]
    [InlineData("cat", "nope.service")]
    [InlineData("is-active", "nope.service")]
    [InlineData("bogus")]
    [InlineData("start", "--help")]
    public void Nothing_but_the_output_reaches_the_terminal(params string[] arguments)
    {
        using var root = new TempRoot();
        // cat pages: the pager is cat here, because less itself sets the terminal's keypad mode.
        CommandResult result = Tty.Run(Tty.Environment(root, ("SYSTEMD_PAGER", "cat")), SummonBinary.Path, arguments);
        // System.Console's terminal set-up sends keypad_xmit (ESC[?1h ESC=) and colours its own errors.
        Assert.False(result.StdOut.Contains('\x1b'), result.ToString());
    }

    [Fact]
    public async Task Status_colours_its_glyph_and_state_on_a_terminal_or_when_told()
    {
        using var root = new TempRoot();
        root.WriteUnit("ok.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        root.WriteUnit("bad.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        root.WriteUnit("loud.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo \"<3>boom\"; echo \"<4>careful\"; echo calm'\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "ok.service").ExitCode);
        Assert.Equal(1, Cli.Run(root, "start", "bad.service").ExitCode);
        var noPager = ("SYSTEMD_PAGER", "cat");

        string ok = Tty.Run(Tty.Environment(root, noPager), SummonBinary.Path, "status", "ok.service").StdOut;
        Assert.StartsWith($"{Green}\u25cf{Normal} ok.service", ok);
        Assert.Contains($"     Active: {Green}active (running){Normal} since ", ok);
        string bad = Tty.Run(Tty.Environment(root, noPager), SummonBinary.Path, "status", "bad.service").StdOut;
        Assert.StartsWith($"{Red}\u00d7{Normal} bad.service", bad);
        Assert.Contains($"     Active: {Red}failed{Normal} (Result: exit-code)", bad);

        foreach (var plain in new[] { ("NO_COLOR", ""), ("SYSTEMD_COLORS", "0"), ("TERM", "dumb") })
        {
            CommandResult result = Tty.Run(Tty.Environment(root, noPager, plain), SummonBinary.Path, "status", "ok.service");
            Assert.False(result.StdOut.Contains('\x1b'), result.ToString());
        }
        Assert.False(Cli.Run(root, "status", "ok.service").StdOut.Contains('\x1b'));
        var told = new Dictionary<string, string>(root.Environment) { ["SYSTEMD_COLORS"] = "1", ["NO_COLOR"] = "1" };
        Assert.StartsWith($"{Green}\u25cf{Normal} ok.service", Command.Run(SummonBinary.Path, ["status", "ok.service"], told).StdOut);
        // list-units as systemctl 252 colours it: a failed unit's mark, ACTIVE and SUB red; nothing with --plain.
        string list = Command.Run(SummonBinary.Path, ["list-units", "--all"], told).StdOut;
        Assert.Contains($"{Red}\u25cf{Normal} bad.service", list);
        Assert.Contains($"{Red}failed{Normal}", list);
        Assert.Contains("\n  ok.service", list);
        Assert.DoesNotContain("\x1b", Command.Run(SummonBinary.Path, ["list-units", "--all", "--plain"], told).StdOut);
        // journal lines by priority, as journalctl: errors red, warnings yellow, info plain.
        Assert.Equal(0, Cli.Run(root, "start", "loud.service").ExitCode);
        string journal = Command.Run(SummonBinary.Path, ["journal", "-u", "loud.service", "-o", "cat"], told).StdOut;
        Assert.Contains($"{Red}boom{Normal}\n{Yellow}careful{Normal}\ncalm\n", journal);
        Assert.Contains($": {Red}boom{Normal}\n", Command.Run(SummonBinary.Path, ["journal", "-u", "loud.service"], told).StdOut);
        Assert.Equal(0, Cli.Run(root, "stop", "ok.service").ExitCode);
    }

    [Fact]
    public async Task The_verbs_systemctl_pages_go_through_the_pager_on_a_terminal()
    {
        using var root = new TempRoot();
        root.WriteUnit("ok.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        string log = Path.Combine(root.Dir, "pager.log");
        string pager = root.WriteFile("bin/pager.sh", $"#!/bin/sh\necho \"pager LESS=$LESS args=$*\" >> {log}\ncat >> {log}\n", executable: true);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", "ok.service").ExitCode);

        string Paged(Dictionary<string, string> env, params string[] arguments)
        {
            File.Delete(log);
            CommandResult result = Tty.Run(env, SummonBinary.Path, arguments);
            Assert.True(result.ExitCode is 0 or 3, result.ToString());
            return File.Exists(log) ? File.ReadAllText(log) : "";
        }

        var env = Tty.Environment(root, ("PAGER", pager), ("LESS", "user-less"));
        foreach (string[] verb in new[] { ["status", "ok.service"], ["cat", "ok.service"], ["show", "ok.service", "-p", "Id"], ["list-units"], ["list-sockets"], new[] { "journal", "-n", "1" } })
            Assert.StartsWith("pager LESS=FRSXMK args=\n", Paged(env, verb));
        Assert.Contains("ok.service", Paged(env, "status", "ok.service"));
        Assert.Equal("pager LESS=xy +G args=a b\n", Paged(Tty.Environment(root, ("SYSTEMD_PAGER", $"{pager} a b"), ("SYSTEMD_LESS", "xy")), "journal", "-e", "-n", "0").Split("-- ")[0]);

        Assert.Equal("", Paged(env, "status", "ok.service", "--no-pager"));
        Assert.Equal("", Paged(env, "is-active", "ok.service"));
        Assert.Equal("", Paged(Tty.Environment(root, ("PAGER", pager), ("SYSTEMD_PAGER", "cat")), "status", "ok.service"));
        Assert.Equal("", Paged(Tty.Environment(root, ("PAGER", pager), ("SYSTEMD_PAGER", "")), "status", "ok.service"));
        Assert.Equal("", Paged(Tty.Environment(root, ("PAGER", pager), ("TERM", "dumb")), "status", "ok.service"));
        File.Delete(log);
        Command.Run(SummonBinary.Path, ["status", "ok.service"], env);
        Assert.False(File.Exists(log), "paged without a terminal");
        Assert.Equal(0, Cli.Run(root, "stop", "ok.service").ExitCode);
    }
}
