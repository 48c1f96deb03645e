using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

[Collection(ProcessTestCollection.Name)]
public class SpawnedProcessTests
{
    [Theory]
    [InlineData("exit 0", ExitCode.Exited, 0, "code=exited, status=0/SUCCESS")]
    [InlineData("exit 7", ExitCode.Exited, 7, "code=exited, status=7/NOTRUNNING")]
    [InlineData("exit 203", ExitCode.Exited, 203, "code=exited, status=203/EXEC")]
    [InlineData("kill -TERM $$", ExitCode.Killed, 15, "code=killed, status=15/TERM")]
    [InlineData("kill -KILL $$", ExitCode.Killed, 9, "code=killed, status=9/KILL")]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void ExitStatuses(string script, object codeValue, int status, string text)
    {
        var code = (ExitCode)codeValue;
        var result = SpawnRunner.Sh(script);
        Assert.Equal(new ExitStatus(code, status), result.Status);
        Assert.Equal(text, result.Status.ToString());
    }

    [Fact]
    public void TryReapIsFalseWhileRunningTrueOnceAfterExitAndLeavesNoZombie()
    {
        var (read, write) = ChildStdio.CreatePipe();
        using (read)
        using (SpawnedProcess cat = ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/cat",
            Argv = ["/bin/cat"],
            Environment = [],
            Stdin = read,
        }))
        {
            Assert.False(cat.TryReap(out _));
            Assert.Null(cat.ExitStatus);
            Assert.NotEqual('Z', SpawnRunner.ProcState(cat.Pid));

            write.Dispose();   // EOF: cat exits
            cat.WaitForExit();
            Assert.Equal('Z', SpawnRunner.ProcState(cat.Pid));   // exited, not yet reaped: nobody stole it

            Assert.True(cat.TryReap(out ExitStatus status));
            Assert.Equal(new ExitStatus(ExitCode.Exited, 0), status);
            Assert.Equal(status, cat.ExitStatus);
            Assert.Null(SpawnRunner.ProcState(cat.Pid));   // reaped: /proc/PID is gone

            Assert.False(cat.TryReap(out _));
        }
    }

    [Fact]
    public void SignalTerminatesAndReportsKilled()
    {
        var (read, write) = ChildStdio.CreatePipe();
        using (read)
        using (write)
        using (SpawnedProcess cat = ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/cat",
            Argv = ["/bin/cat"],
            Environment = [],
            Stdin = read,
        }))
        {
            Assert.True(cat.Signal(Signals.SIGTERM));
            Assert.Equal(new ExitStatus(ExitCode.Killed, Signals.SIGTERM), SpawnRunner.WaitAndReap(cat));
            Assert.False(cat.Signal(Signals.SIGTERM));   // gone
        }
    }

    [Fact]
    public void PidfdIsCloseOnExecAndReadableOnlyAfterExit()
    {
        using SpawnedProcess p = ProcessSpawner.Spawn(new SpawnRequest { Path = "/bin/true", Argv = ["/bin/true"], Environment = [] });
        Assert.True(TestFds.IsCloseOnExec(p.Pidfd));
        Assert.Equal(new ExitStatus(ExitCode.Exited, 0), SpawnRunner.WaitAndReap(p));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingPathThrowsSpawnExceptionEnoent(bool listenPid)
    {
        var e = Assert.Throws<SpawnException>(() => Spawn("/nonexistent/program", listenPid));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal("Failed at step EXEC spawning /nonexistent/program: No such file or directory", e.Message);
        Assert.Equal("EXEC", e.Step);
        Assert.Equal("/nonexistent/program", e.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NonExecutableFileThrowsSpawnExceptionEacces(bool listenPid)
    {
        string path = Path.GetTempFileName();   // mode 0600: no execute bit, so even root gets EACCES
        try
        {
            var e = Assert.Throws<SpawnException>(() => Spawn(path, listenPid));
            Assert.Equal(Errno.EACCES, e.Errno);
            Assert.Equal($"Failed at step EXEC spawning {path}: Permission denied", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ExecutableWithoutFormatThrowsSpawnExceptionEnoexecWhenSpawnedDirectly()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0x7f, 0x00, 0x01, 0x02]);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var e = Assert.Throws<SpawnException>(() => Spawn(path, listenPid: false));
            Assert.Equal(Errno.ENOEXEC, e.Errno);
            Assert.Equal($"Failed at step EXEC spawning {path}: Exec format error", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static SpawnedProcess Spawn(string path, bool listenPid) => ProcessSpawner.Spawn(new SpawnRequest
    {
        Path = path,
        Argv = [path],
        Environment = [],
        SetListenPid = listenPid,
    });

    [Fact]
    public void DisposedHandleFailsBeforeSpawning()
    {
        var (read, write) = ChildStdio.CreatePipe();
        read.Dispose();
        using (write)
            Assert.Throws<ObjectDisposedException>(() => ProcessSpawner.Spawn(new SpawnRequest { Path = "/bin/true", Argv = ["/bin/true"], Environment = [], Stdin = read }));
    }
}
