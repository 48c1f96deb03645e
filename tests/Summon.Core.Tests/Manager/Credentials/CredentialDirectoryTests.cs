using Summon.Manager.Credentials;

namespace Summon.Core.Tests.Manager.Credentials;

/// <summary>The plain-directory form of a credentials directory (what a manager that may not mount makes): modes,
/// contents, replacing what an earlier run left, and removal.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CredentialDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("summon-creddir-").FullName;

    public void Dispose()
    {
        CredentialDirectory.Remove(Path.Combine(_root, "credentials", "u.service"));
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Files_are_0400_in_a_0500_directory_under_a_0755_root_and_a_second_make_replaces_the_first()
    {
        string dir = Path.Combine(_root, "credentials", "u.service");
        Assert.Null(CredentialDirectory.Create(dir, [("a", "one"u8.ToArray()), ("b", [0, 1, 2])], uid: null, gid: null, tryMount: false));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.GetDirectoryName(dir)!));   // 0755
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(dir, "a")));
        Assert.Equal(new byte[] { 0, 1, 2 }, File.ReadAllBytes(Path.Combine(dir, "b")));

        CredentialDirectory.Create(dir, [("c", "three"u8.ToArray())], uid: null, gid: null, tryMount: false);
        Assert.Equal(["c"], Directory.EnumerateFiles(dir).Select(Path.GetFileName));

        CredentialDirectory.Remove(dir);
        Assert.False(Directory.Exists(dir));
        CredentialDirectory.Remove(dir);   // nothing there: nothing to do
    }
}
