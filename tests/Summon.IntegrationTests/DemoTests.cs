using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The README's first command: `summon demo` prints follow-up commands, and each works copied verbatim into a shell
/// on a fresh machine, where nothing puts `summon` on PATH and no nc is installed.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_follow_ups_work_verbatim_without_nc_or_summon_on_path()
    {
        using var root = new TempRoot();
        int port = FreePort.Tcp();
        string emptyBin = Path.Combine(root.Dir, "empty-bin");
        Directory.CreateDirectory(emptyBin);
        // A fresh user's shell: only builtins and what the demo names by absolute path can run.
        var shell = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = emptyBin,
            ["LANG"] = "C.UTF-8",
            ["HOME"] = root.Dir,
        };
        // The demo itself is started from the user's own shell, whose PATH has the usual tools but no summon.
        var demoEnvironment = new Dictionary<string, string>(shell, StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/bin:/bin",
            ["XDG_RUNTIME_DIR"] = Path.Combine(root.Dir, "xdg"),
        };
        Directory.CreateDirectory(demoEnvironment["XDG_RUNTIME_DIR"]);

        using DaemonProcess demo = await DaemonProcess.StartAsync(
            root, SummonBinary.Path, ["demo", "--port", port.ToString()], waitReady: false, demoEnvironment);
        string log = await Wait.ForAsync(() => demo.Log, l => l.Contains("Stop with Ctrl-C.") || demo.HasExited);
        Assert.True(log.Contains("Stop with Ctrl-C."), log);

        string[] lines = log.Split('\n').Select(l => l.Trim()).ToArray();
        string tryCommand = lines.Single(l => l.StartsWith("Try:", StringComparison.Ordinal))["Try:".Length..].Trim();
        int from = Array.FindIndex(lines, l => l == "Then, in another shell:");
        int to = Array.FindIndex(lines, l => l == "Stop with Ctrl-C.");
        Assert.True(from > 0 && to > from + 1, log);
        string export = lines[from + 1];
        string[] followUps = lines[(from + 2)..to];
        Assert.StartsWith("export ", export);
        Assert.Equal(
            [$"{SummonBinary.Path} --user status demo-echo.socket", $"{SummonBinary.Path} --user journal -u demo-echo.socket"],
            followUps);
        Assert.Equal($"printf 'socket activation works\\n' | {SummonBinary.Path} connect 127.0.0.1:{port}", tryCommand);

        CommandResult noNc = Command.Run("/bin/sh", ["-c", "command -v nc"], shell);
        Assert.NotEqual(0, noNc.ExitCode);

        // The manager binds after the block is printed; the status follow-up says when it listens.
        CommandResult status = await Wait.ForAsync(
            () => Command.Run("/bin/sh", ["-ec", export + "\n" + followUps[0]], shell),
            r => r.ExitCode == 0 && r.StdOut.Contains("active (listening)"));
        Assert.True(status.ExitCode == 0 && status.StdOut.Contains("active (listening)"), status + "\n[demo]\n" + demo.Log);

        CommandResult echo = Command.Run("/bin/sh", ["-ec", tryCommand], shell);
        Assert.True(echo is { ExitCode: 0, StdOut: "socket activation works\n", StdErr: "" }, echo.ToString());

        status = await Wait.ForAsync(
            () => Command.Run("/bin/sh", ["-ec", export + "\n" + followUps[0]], shell),
            r => r.StdOut.Contains("Accepted: 1; Connected: 0;"));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.StartsWith("● demo-echo.socket - Socket unit for demo-echo\n", status.StdOut);
        Assert.Contains("   Accepted: 1; Connected: 0;", status.StdOut);

        CommandResult journal = Command.Run("/bin/sh", ["-ec", export + "\n" + followUps[1]], shell);
        Assert.True(journal.ExitCode == 0, journal.ToString());
        Assert.Contains(JournalLine.ParseAll(journal.StdOut), j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo.");

        Signals.Send(demo.Pid, Signals.SIGINT);
        Assert.True(await Wait.UntilAsync(() => demo.HasExited), demo.Log);
        Assert.Equal(0, demo.ExitCode);
    }
}
