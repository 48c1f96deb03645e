using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

[Collection(ProcessTestCollection.Name)]
public class SpawnFdMapTests
{
    private const string ListFds = "ls -1 /proc/$$/fd";

    private static int[] Fds(string lsOutput) =>
        lsOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToArray();

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    public void ChildHasExactlyStdioAndPassedFds(int passCount, bool listenPid)
    {
        var pipes = Enumerable.Range(0, passCount).Select(_ => ChildStdio.CreatePipe()).ToArray();
        try
        {
            var result = SpawnRunner.Sh(ListFds, listenPid: listenPid, passFds: pipes.Select(p => (SafeHandle)p.Write).ToArray());
            Assert.Equal(Enumerable.Range(0, 3 + passCount).ToArray(), Fds(result.Output));
            Assert.True(result.Status.IsSuccess);
        }
        finally
        {
            foreach (var (read, write) in pipes)
            {
                read.Dispose();
                write.Dispose();
            }
        }
    }

    [Fact]
    public unsafe void InheritableFdsOfTheManagerDoNotLeak()
    {
        // A pipe WITHOUT O_CLOEXEC, like fds inherited from whoever started the manager.
        int* fds = stackalloc int[2];
        Assert.Equal(0, Libc.Pipe2(fds, 0));
        using var leakRead = new SafeFdHandle(fds[0]);
        using var leakWrite = new SafeFdHandle(fds[1]);
        Assert.False(TestFds.IsCloseOnExec(leakRead));

        var result = SpawnRunner.Sh(ListFds);
        Assert.Equal([0, 1, 2], Fds(result.Output));
    }

    [Fact]
    public void PassedPipesArriveInOrderFromFd3()
    {
        var a = ChildStdio.CreatePipe();
        var b = ChildStdio.CreatePipe();
        using (a.Read)
        using (b.Read)
        {
            using (a.Write)
            using (b.Write)
            {
                var result = SpawnRunner.Sh("echo to-three >&3; echo to-four >&4", passFds: [a.Write, b.Write]);
                Assert.Equal(new ExitStatus(ExitCode.Exited, 0), result.Status);
            }

            Assert.Equal("to-three\n", Encoding.UTF8.GetString(TestFds.ReadToEnd(a.Read)));
            Assert.Equal("to-four\n", Encoding.UTF8.GetString(TestFds.ReadToEnd(b.Read)));
        }
    }

    [Fact]
    public void PassedFdsAreNotCloseOnExecInTheChildButStayCloseOnExecInTheManager()
    {
        var pipe = ChildStdio.CreatePipe();
        using (pipe.Read)
        using (pipe.Write)
        {
            // The child execs ls, which lists its own fds: fd 3 survived the exec, so it was not close-on-exec.
            var result = SpawnRunner.Sh("exec ls -1 /proc/self/fd", passFds: [pipe.Write]);
            Assert.Contains(3, Fds(result.Output));
            Assert.True(TestFds.IsCloseOnExec(pipe.Write));
        }
    }

    [Fact]
    public void StdinIsDevNullReadOnlyAndStderrDevNullWhenNotGiven()
    {
        var result = SpawnRunner.Sh("readlink /proc/$$/fd/0 /proc/$$/fd/2; grep flags /proc/$$/fdinfo/0 /proc/$$/fdinfo/2");
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/dev/null", lines[0]);
        Assert.Equal("/dev/null", lines[1]);
        Assert.Equal(Libc.O_RDONLY, OctalFlags(lines[2]) & 3);
        Assert.Equal(Libc.O_WRONLY, OctalFlags(lines[3]) & 3);
    }

    [Theory]
    [InlineData(false, true, false)]   // NonBlocking=no: the manager's non-blocking socket is handed over blocking
    [InlineData(true, false, true)]    // NonBlocking=yes: a blocking socket is made non-blocking
    public void PassedSocketBlockingModeFollowsNonBlocking(bool nonBlocking, bool initiallyNonBlocking, bool expectNonBlocking)
    {
        using var pair = SocketPair.Create();
        TestFds.SetNonBlocking(pair.Server.SafeHandle, initiallyNonBlocking);

        var result = SpawnRunner.Sh("grep flags /proc/$$/fdinfo/3; echo hi-from-3 >&3", passFds: [pair.Server.SafeHandle], nonBlocking: nonBlocking);

        Assert.Equal(expectNonBlocking, (OctalFlags(result.Output.Trim()) & Libc.O_NONBLOCK) != 0);
        Assert.Equal(expectNonBlocking, TestFds.IsNonBlocking(pair.Server.SafeHandle));   // shared file description
        pair.Server.Dispose();
        Assert.Equal("hi-from-3\n", pair.ReadFromClient());
    }

    [Fact]
    public void StandardInputSocketEchoesThroughCatInBlockingMode()
    {
        using var pair = SocketPair.Create();
        TestFds.SetNonBlocking(pair.Server.SafeHandle, true);   // accept4(SOCK_NONBLOCK) as the manager does

        SpawnedProcess cat = ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/cat",
            Argv = ["/bin/cat"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdin = pair.Server.SafeHandle,
            Stdout = pair.Server.SafeHandle,
        });
        using (cat)
        {
            Assert.False(TestFds.IsNonBlocking(pair.Server.SafeHandle));
            pair.Server.Dispose();   // the manager closes its copy after the hand-off

            pair.Client.Send("ping\n"u8);
            pair.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal("ping\n", pair.ReadFromClient());
            Assert.Equal(new ExitStatus(ExitCode.Exited, 0), SpawnRunner.WaitAndReap(cat));
        }
    }

    [Fact]
    public void SameHandleAsStdioAndPassedFdIsMappedToEverySlot()
    {
        using var pair = SocketPair.Create();
        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "echo one; echo three >&3; echo four >&4"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdin = pair.Server.SafeHandle,
            Stdout = pair.Server.SafeHandle,
            Stderr = stdout,
            PassFds = [pair.Server.SafeHandle, pair.Server.SafeHandle],
        });
        Assert.True(result.Status.IsSuccess);
        pair.Server.Dispose();
        Assert.Equal("one\nthree\nfour\n", pair.ReadFromClient());
    }

    [Fact]
    public void WorkingDirectoryIsApplied()
    {
        var result = SpawnRunner.Sh("pwd", workingDirectory: "/usr/bin");
        Assert.Equal("/usr/bin\n", result.Output);
    }

    private static int OctalFlags(string fdinfoLine) =>
        Convert.ToInt32(fdinfoLine[(fdinfoLine.LastIndexOf('\t') + 1)..].Trim(), 8);
}

/// <summary>A connected TCP pair on loopback (socketpair() interop belongs to the Sockets room).</summary>
internal sealed class SocketPair : IDisposable
{
    public required Socket Client { get; init; }

    public required Socket Server { get; init; }

    public static SocketPair Create()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000 };   // guard against a hang, not a timing assertion
        client.Connect(listener.LocalEndPoint!);
        return new SocketPair { Client = client, Server = listener.Accept() };
    }

    public string ReadFromClient()
    {
        var output = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = Client.Receive(buffer)) > 0)
            output.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}

[Collection(ProcessTestCollection.Name)]
public class SpawnFdCollisionTests
{
    private static string Link(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget!;

    [Fact]
    public void SourcesInsideTheTargetRangeAreMovedBeforeTheDup2s()
    {
        // The test host's fds 0, 1 and 2 are sources for other slots: fd 0 → slot 3 (slot 0 gets /dev/null),
        // fd 2 → slot 4, fd 1 → slot 2. Without moving them first, earlier actions would clobber them.
        using var hostStdin = new SafeFdHandle(0, ownsHandle: false);
        using var hostStdout = new SafeFdHandle(1, ownsHandle: false);
        using var hostStderr = new SafeFdHandle(2, ownsHandle: false);
        string[] expected = ["/dev/null", Link(1), Link(0), Link(2)];

        var result = SpawnRunner.Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", "readlink /proc/$$/fd/0 /proc/$$/fd/2 /proc/$$/fd/3 /proc/$$/fd/4"],
            Environment = SpawnRunner.BaseEnvironment,
            Stdout = stdout,
            Stderr = hostStdout,
            PassFds = [hostStdin, hostStderr],
        });

        Assert.True(result.Status.IsSuccess);
        Assert.Equal(expected, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void InvalidPassedHandleIsRejected()
    {
        using var invalid = new SafeFdHandle();
        var e = Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(new SpawnRequest
        {
            Path = "/bin/true",
            Argv = ["/bin/true"],
            Environment = [],
            PassFds = [invalid],
        }));
        Assert.StartsWith("Invalid handle for fd 3 of /bin/true.", e.Message);
    }

    [Fact]
    public void SpawnAllocatesOnlyTheTrackingObjects()
    {
        var request = new SpawnRequest
        {
            Path = "/bin/true",
            Argv = ["/bin/true"],
            Environment = ["PATH=/usr/bin:/bin", "LISTEN_FDS=1", "LISTEN_FDNAMES=connection", "A=1"],
            SetListenPid = true,
        };
        for (int i = 0; i < 3; i++)
        {
            using SpawnedProcess warm = ProcessSpawner.Spawn(request);
            SpawnRunner.WaitAndReap(warm);
        }

        const int Count = 10;
        var spawned = new SpawnedProcess[Count];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Count; i++)
            spawned[i] = ProcessSpawner.Spawn(request);
        long perSpawn = (GC.GetAllocatedBytesForCurrentThread() - before) / Count;

        foreach (SpawnedProcess p in spawned)
        {
            SpawnRunner.WaitAndReap(p);
            p.Dispose();
        }

        // SpawnedProcess + its SafeFdHandle (72 bytes measured); argv/envp live in one native block.
        Assert.InRange(perSpawn, 1, 128);
    }
}
