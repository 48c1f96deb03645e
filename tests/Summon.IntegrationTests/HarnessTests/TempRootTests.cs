using System.Net;
using System.Net.Sockets;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

public sealed class TempRootTests
{
    [Fact]
    public void Root_has_three_directories_and_an_environment_naming_them()
    {
        string dir;
        using (var root = new TempRoot())
        {
            dir = root.Dir;
            Assert.StartsWith("/tmp/summon-it-", dir);
            Assert.All([root.UnitDir, root.RuntimeDir, root.StateDir], d => Assert.True(Directory.Exists(d), d));
            // SUMMON_CGROUP_ROOT too where a writable cgroup2 hierarchy exists: the test's own subtree.
            Assert.Equal(
                root.Cgroups is null
                    ? ["LANG", "PATH", "SUMMON_RUNTIME_DIR", "SUMMON_STATE_DIR", "SUMMON_UNIT_PATH"]
                    : ["LANG", "PATH", "SUMMON_CGROUP_ROOT", "SUMMON_RUNTIME_DIR", "SUMMON_STATE_DIR", "SUMMON_UNIT_PATH"],
                root.Environment.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(
                (root.UnitDir, root.RuntimeDir, root.StateDir),
                (root.Environment["SUMMON_UNIT_PATH"], root.Environment["SUMMON_RUNTIME_DIR"], root.Environment["SUMMON_STATE_DIR"]));
            Assert.Equal(Path.Combine(root.RuntimeDir, "control"), root.ControlSocket);
            // sun_path holds 107 bytes plus NUL; leave room for socket names under run/.
            Assert.True(root.ControlSocket.Length < 64, root.ControlSocket);

            string unit = root.WriteUnit("x.socket", "[Socket]\n");
            Assert.Equal((Path.Combine(root.UnitDir, "x.socket"), "[Socket]\n"), (unit, File.ReadAllText(unit)));
            string script = root.WriteFile("bin/run.sh", "#!/bin/sh\n", executable: true);
            Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
        }

        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void FreePort_can_be_bound_right_after()
    {
        int port = FreePort.Tcp();
        Assert.InRange(port, 1, 65535);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    [Fact]
    public void RepositoryRoot_holds_the_solution() =>
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Find(), "Summon.slnx")));

    [Fact]
    public void SummonBinary_is_an_executable_file()
    {
        string path = SummonBinary.Path;
        Assert.True(File.Exists(path), path);
        Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), path);
    }
}
