using System.Globalization;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

[Collection(ProcessTestCollection.Name)]
public class SpawnEnvironmentTests
{
    private static readonly string[] Given = ["A=1", "B=two words", "C=", "PATH=/usr/bin:/bin", "LISTEN_FDS=1", "LISTEN_FDNAMES=connection"];

    private static SpawnRunner.Result Env(bool listenPid = false, bool execPid = false, string[]? environment = null) =>
        SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/usr/bin/env",
            Argv = ["/usr/bin/env"],
            Environment = environment ?? Given,
            Stdout = stdout,
            SetListenPid = listenPid,
            SetExecPid = execPid,
        });

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void DirectSpawnPassesExactlyTheGivenEnvironmentInOrder()
    {
        var result = Env();
        Assert.Equal(Given, Lines(result.Output));
    }

    [Fact]
    public void ListenPidAddsExactlyListenPidAndExecPidEqualToTheChild()
    {
        var result = Env(listenPid: true);
        string pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        string[] expected = [.. Given, "LISTEN_PID=" + pid, "SYSTEMD_EXEC_PID=" + pid];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(result.Output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExecPidAloneAddsOnlySystemdExecPid()
    {
        var result = Env(execPid: true);
        string pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        string[] expected = [.. Given, "SYSTEMD_EXEC_PID=" + pid];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(result.Output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GivenPwdIsKeptThroughTheShellHelper()
    {
        // dash keeps PWD when it names the working directory (and rewrites it otherwise).
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/usr/bin/env",
            Argv = ["/usr/bin/env"],
            Environment = ["PWD=/", "X=y"],
            Stdout = stdout,
            SetListenPid = true,
            WorkingDirectory = "/",
        });
        string pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        string[] expected = ["LISTEN_PID=" + pid, "PWD=/", "SYSTEMD_EXEC_PID=" + pid, "X=y"];
        Assert.Equal(expected, Lines(result.Output).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(true, false, "{0} {0} {0}")]
    [InlineData(false, true, " {0} {0}")]
    [InlineData(false, false, "  {0}")]
    public void ListenPidIsTheChildsOwnPid(bool listenPid, bool execPid, string expectedFormat)
    {
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "echo \"$LISTEN_PID $SYSTEMD_EXEC_PID $$\""],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            SetListenPid = listenPid,
            SetExecPid = execPid,
        });
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, expectedFormat, result.Pid) + "\n", result.Output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Argv0DifferentFromPathIsKept(bool listenPid)
    {
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["my-name", "-c", "cat /proc/$$/cmdline"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            SetListenPid = listenPid,
        });
        Assert.Equal(["my-name", "-c", "cat /proc/$$/cmdline", ""], result.Output.Split('\0'));
    }

    [Fact]
    public void NulInsideAnArgumentIsRejectedBeforeSpawning()
    {
        var e = Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/true",
            Argv = ["/bin/true", "a\0b"],
            Environment = [],
        }));
        Assert.Equal("String passed to exec contains a NUL character: \"a\\0b\"", e.Message);
    }

    [Fact]
    public void RelativePathIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(new SpawnRequest { Path = "true", Argv = ["true"], Environment = [] }));
        Assert.StartsWith("Executable path is not absolute: true", e.Message);
    }
}
