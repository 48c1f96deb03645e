using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

public sealed class ProcFsTests
{
    [Theory]
    [InlineData("123 (summon) S 1 123 123 0 -1 4194560", 123, "summon", 'S', 1, 123, 123)]
    [InlineData("77 (a b) c) Z 76 70 60 0", 77, "a b) c", 'Z', 76, 70, 60)]
    [InlineData("5 (sh) R 4 5 5", 5, "sh", 'R', 4, 5, 5)]
    public void ParseStat_finds_fields_after_the_last_parenthesis(
        string line, int pid, string comm, char state, int parent, int group, int session) =>
        Assert.Equal(new ProcStat(pid, comm, state, parent, group, session), ProcFs.ParseStat(line));

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1 (x)")]
    public void ParseStat_rejects_malformed_lines(string line) => Assert.Null(ProcFs.ParseStat(line));

    [Fact]
    public void Stat_of_this_process_names_its_parent()
    {
        ProcStat self = ProcFs.Stat(Environment.ProcessId) ?? throw new InvalidOperationException("no /proc/self");
        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.True(self.ParentPid > 0);
    }

    [Fact]
    public async Task ZombieChildren_sees_an_unreaped_child_and_Fds_sees_open_files()
    {
        using var root = new TempRoot();
        // The subshell exits at once; its parent then execs sleep, which never waits for it: a zombie child.
        using DaemonProcess parent = await DaemonProcess.StartAsync(
            root, "/bin/sh", ["-c", "(exit 0) & exec sleep 300"], waitReady: false);
        List<ProcStat> zombies = await Wait.ForAsync(parent.ZombieChildren, z => z.Count == 1);
        ProcStat zombie = Assert.Single(zombies);
        Assert.Equal((parent.Pid, 'Z'), (zombie.ParentPid, zombie.State));

        // stdin is /dev/null, stdout and stderr the log file, plus whatever this test host could not keep from
        // being inherited (a shell above `dotnet test` may leak fds such as 10 or 251 into every descendant).
        var expected = new SortedDictionary<int, string> { [0] = "/dev/null", [1] = parent.LogPath, [2] = parent.LogPath };
        foreach ((int fd, string target) in ProcFs.InheritableFds(Environment.ProcessId).Where(kv => kv.Key > 2))
        {
            expected[fd] = target;
        }

        Assert.Equal(expected, ProcFs.Fds(parent.Pid));
        Assert.Equal(expected.Count, parent.FdCount);
    }
}
