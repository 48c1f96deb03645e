using Summon.Interop;
using Summon.Manager.DynamicUsers;

namespace Summon.Core.Tests.Manager.DynamicUsers;

/// <summary>The names, the uid allocator against a lock directory of the test's own, and the RemoveIPC= counting.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DynamicUsersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-duid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A held lock file's text: .NET's own readers take a shared flock, which the held one refuses.</summary>
    private static unsafe string ReadLocked(string path)
    {
        using var fd = new SafeFdHandle(Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0));
        Assert.False(fd.IsInvalid);
        byte* buffer = stackalloc byte[256];
        int n = (int)Libc.Read(fd, buffer, 256);
        return System.Text.Encoding.UTF8.GetString(buffer, n);
    }

    [Theory]
    [InlineData("web.service", "web")]
    [InlineData("web@1-127.0.0.1:80.service", "web")]
    [InlineData("my_db-2.service", "my_db-2")]
    public void TheNameIsTheUnitsPrefixWhenItIsAUserName(string unit, string name) =>
        Assert.Equal(name, DynamicUserName.FromUnit(unit));

    [Fact]
    public void AnotherPrefixIsHashedTheSameWayEveryTime()
    {
        string name = DynamicUserName.FromUnit("9lives.service");
        Assert.Matches("^_du[0-9a-f]{16}$", name);
        Assert.Equal(name, DynamicUserName.FromUnit("9lives.service"));
        Assert.NotEqual(name, DynamicUserName.FromUnit("8lives.service"));
        Assert.False(DynamicUserName.IsValid(new string('a', 32)));
    }

    [Fact]
    public void TheHashedUidComesFirstAndAHeldOneIsPassedOver()
    {
        var allocator = new DynamicUidAllocator(Path.Combine(_dir, "dynamic-uid"));
        using var first = allocator.Allocate("svc", []);
        Assert.InRange(first.Uid, DynamicUidAllocator.First, DynamicUidAllocator.Last);
        Assert.Equal("svc\n", ReadLocked(first.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(allocator.LockDirectory));
        // The same name would hash to the same uid: while it is held (a second open file description is refused by
        // flock, as another manager's would be) the allocator takes another.
        using var second = allocator.Allocate("svc", [first.Uid]);
        Assert.NotEqual(first.Uid, second.Uid);
        string path = first.Path;
        first.Dispose();
        Assert.False(File.Exists(path));
        using var again = allocator.Allocate("svc", []);
        Assert.Equal(first.Uid, again.Uid);   // free again: the hash picks it
    }

    [Fact]
    public void AStaleLockFileNobodyHoldsIsTakenOver()
    {
        var allocator = new DynamicUidAllocator(_dir);
        uint uid;
        using (var held = allocator.Allocate("svc", []))
            uid = held.Uid;
        File.WriteAllText(Path.Combine(_dir, uid.ToString(System.Globalization.CultureInfo.InvariantCulture)), "crashed\n");
        using var taken = allocator.Allocate("svc", []);
        Assert.Equal((uid, "svc\n"), (taken.Uid, ReadLocked(taken.Path)));
    }

    [Fact]
    public void IpcIsCleanedOnlyWhenTheLastUnitOfTheUserStopsAndOneAskedForIt()
    {
        var owners = new IpcOwners();
        owners.Hold(61200, 61200, removeIpc: true);
        owners.Hold(61200, 61200, removeIpc: false);
        Assert.Same(Task.CompletedTask, owners.Release(61200, 61200));   // one unit of the user still runs
        Assert.NotSame(Task.CompletedTask, owners.Release(61200, 61200));
        owners.Hold(61201, null, removeIpc: false);
        Assert.Same(Task.CompletedTask, owners.Release(61201, null));   // nobody asked
        owners.Hold(0, 0, removeIpc: true);
        Assert.Same(Task.CompletedTask, owners.Release(0, 0));   // root's objects are never touched
    }
}
