using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

/// <summary>The one PATH lookup (systemd's find_executable_full()) that verify and the manager's spawns share.</summary>
public sealed class ExecutableLookupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-lookup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void BareNameIsSearchedInTheDefaultPathOnly()
    {
        Assert.Equal(0, ExecutableLookup.Find("sh", out string? resolved));
        Assert.Contains(Path.GetDirectoryName(resolved!)!, ExecutableLookup.DefaultPath);
        Assert.Equal(resolved, ExecutableLookup.Resolve("sh"));
        Assert.Equal("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ExecutableLookup.DefaultPathVariable);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void PathWithSlashIsCheckedAsItIs()
    {
        string script = Path.Combine(_dir, "run");
        File.WriteAllText(script, "#!/bin/sh\n");
        Assert.Equal(Errno.EACCES, ExecutableLookup.Find(script, out string? resolved));
        Assert.Null(resolved);

        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Assert.Equal(0, ExecutableLookup.Find(script, out resolved));
        Assert.Equal(script, resolved);

        Assert.Equal(Errno.EISDIR, ExecutableLookup.Find(_dir, out _));
        Assert.Equal(Errno.ENOENT, ExecutableLookup.Find(Path.Combine(_dir, "missing"), out _));
    }

    /// <summary>When the lookup fails the manager spawns the name as written, and the spawn reports the failure.</summary>
    [Theory]
    [InlineData("summon-no-such-program")]
    [InlineData("/nonexistent/summon-program")]
    public void ResolveKeepsTheNameWhenNothingIsFound(string name)
    {
        Assert.Equal(Errno.ENOENT, ExecutableLookup.Find(name, out _));
        Assert.Equal(name, ExecutableLookup.Resolve(name));
    }
}
