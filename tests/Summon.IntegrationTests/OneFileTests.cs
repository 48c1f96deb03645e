using System.Text;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The published summon is one file that needs nothing beside it (issue 12): SQLite is linked into the NativeAOT
/// image, so a copy of the executable alone runs the seed walkthrough, journal included.
/// </summary>
public sealed class OneFileTests
{
    [Fact]
    public void Publish_directory_has_no_shared_library_and_ldd_names_no_sqlite()
    {
        string publishDir = Path.GetDirectoryName(SummonBinary.Path)!;
        // test.sh publishes into an emptied directory; `dotnet publish -o` alone never removes a file an older build left.
        string[] libraries = Directory.GetFiles(publishDir, "*.so*");
        Assert.True(libraries.Length == 0, $"shared libraries beside {SummonBinary.Path}: {string.Join(", ", libraries)}");

        CommandResult ldd = Command.Run("ldd", [SummonBinary.Path]);
        Assert.True(ldd.ExitCode == 0, ldd.ToString());
        Assert.DoesNotContain(ldd.StdOutLines, l => l.Contains("sqlite", StringComparison.OrdinalIgnoreCase));

        // SQLite keeps its compile options as strings in the library; the daemon's writer thread and the readers
        // need the serialized (thread-safe) build.
        byte[] image = File.ReadAllBytes(SummonBinary.Path);
        Assert.True(image.AsSpan().IndexOf("THREADSAFE=1\0"u8) >= 0, "the linked SQLite was not built with THREADSAFE=1");
    }

    [Fact]
    public async Task A_copy_of_the_executable_alone_runs_the_walkthrough()
    {
        using var root = new TempRoot();
        string alone = Path.Combine(root.Dir, "alone");
        Directory.CreateDirectory(alone);
        string summon = Path.Combine(alone, "summon");
        File.Copy(SummonBinary.Path, summon);
        File.SetUnixFileMode(summon, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal([summon], Directory.GetFileSystemEntries(alone));

        // The walkthrough's names, as links to the copy kept outside its directory.
        string links = Path.Combine(root.Dir, "links");
        Directory.CreateDirectory(links);
        string Link(string name)
        {
            string path = Path.Combine(links, name);
            File.CreateSymbolicLink(path, summon);
            return path;
        }

        string analyze = Link("systemd-analyze"), systemctl = Link("systemctl"), journalctl = Link("journalctl");
        int port = FreePort.Tcp();
        (string socketPath, string servicePath) = DemoUnits.Write(root, port);

        CommandResult verify = Cli.RunProgram(root, analyze, null, "verify", servicePath, socketPath);
        Assert.True(verify is { ExitCode: 0, StdOut: "", StdErr: "" }, verify.ToString());

        using DaemonProcess daemon = await DaemonProcess.StartAsync(root, summon, ["daemon"], waitReady: true);

        CommandResult reload = Cli.RunProgram(root, systemctl, null, "daemon-reload");
        Assert.True(reload is { ExitCode: 0, StdOut: "" }, reload.ToString());
        CommandResult enable = Cli.RunProgram(root, systemctl, null, "enable", "--now", DemoUnits.SocketName);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        CommandResult show = Cli.RunProgram(root, systemctl, null, "show", DemoUnits.SocketName, "-p", "Listen", "-p", "ActiveState", "-p", "SubState");
        Assert.True(show is { ExitCode: 0 } && show.StdOut == $"Listen=127.0.0.1:{port} (Stream)\nActiveState=active\nSubState=listening\n", show.ToString());

        CommandResult nc = Cli.RunProgram(root, "nc", "socket activation works\n", "-N", "127.0.0.1", port.ToString());
        Assert.True(nc is { ExitCode: 0, StdOut: "socket activation works\n" }, nc.ToString());
        Assert.Equal("0", await Wait.ForAsync(() => ShowOne(root, systemctl, "NConnections"), v => v == "0"));

        CommandResult status = Cli.RunProgram(root, systemctl, null, "status", "--no-pager", "--full", DemoUnits.SocketName);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("● demo-echo.socket - Socket unit for demo-echo", status.StdOutLines[0]);
        Assert.Contains("   Accepted: 1; Connected: 0;", status.StdOutLines);

        // The journal: written by the copy's daemon, read by the copy's CLI, both through the linked-in SQLite.
        CommandResult journal = Cli.RunProgram(root, journalctl, null, "-u", DemoUnits.SocketName, "-n", "10", "--no-pager");
        Assert.True(journal.ExitCode == 0, journal.ToString());
        Assert.Contains(JournalLine.ParseAll(journal.StdOut),
            j => j.Message == "Listening on demo-echo.socket - Socket unit for demo-echo." && j.Pid == daemon.Pid);
        Assert.True(File.Exists(Path.Combine(root.StateDir, "journal.db-wal")), "the journal is not in WAL mode");

        CommandResult isActive = Cli.RunProgram(root, systemctl, null, "is-active", DemoUnits.SocketName);
        Assert.True(isActive is { ExitCode: 0, StdOut: "active\n" }, isActive.ToString());

        // Nothing of SQLite was loaded from outside the executable.
        string maps = File.ReadAllText($"/proc/{daemon.Pid}/maps", Encoding.UTF8);
        Assert.DoesNotContain("sqlite", maps, StringComparison.OrdinalIgnoreCase);

        Assert.Empty(daemon.ZombieChildren());
        Assert.Equal(0, await daemon.StopAsync());
        Assert.Equal([summon], Directory.GetFileSystemEntries(alone));
    }

    private static string ShowOne(TempRoot root, string systemctl, string property)
    {
        CommandResult show = Cli.RunProgram(root, systemctl, null, "show", DemoUnits.SocketName, "-p", property, "--value");
        return show.ExitCode == 0 ? show.StdOut.TrimEnd('\n') : $"(show failed: {show})";
    }
}
