using System.Security.Cryptography;
using Summon.Manager;
using Summon.Processes;
using static Summon.Manager.ManagerHost;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// A manager's claim on its directories: made private when missing, refused when others could write in them, and a
/// lock (flock on an open file description) that a second claim, even in the same process, cannot take.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManagerClaimTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "summon-claim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
    private readonly uint _uid = ProcessIdentity.EffectiveUid;

    public ManagerClaimTests() => Directory.CreateDirectory(_dir, Private);

    private string Run => Path.Combine(_dir, "a", "run");

    private string State => Path.Combine(_dir, "a", "state");

    [Fact]
    public void Missing_directories_are_made_0700_and_the_lock_0600()
    {
        Assert.Null(ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var claim));
        using (claim)
        {
            Assert.Equal((Private, Private), (File.GetUnixFileMode(Run), File.GetUnixFileMode(State)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Run, DirectoryLock.FileName)));
        }
    }

    [Fact]
    public void A_second_claim_is_refused_until_the_first_is_released()
    {
        Assert.Null(ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var first));
        var refused = ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var second);
        Assert.Null(second);
        Assert.Equal(new StartFailure(StartFailureKind.DirectoryHeld, Path.Combine(Run, "lock"), "") { Role = DirectoryRole.Runtime }, refused);

        // Another runtime directory, the same state directory: still one manager too many.
        var sameState = ManagerClaim.TryTake(userMode: true, Path.Combine(_dir, "b", "run"), State, _uid, out var third);
        Assert.Null(third);
        Assert.Equal((StartFailureKind.DirectoryHeld, DirectoryRole.State), (sameState?.Kind, sameState?.Role));

        first!.Dispose();
        Assert.Null(ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var after));
        after!.Dispose();
    }

    [Fact]
    public void A_directory_others_may_write_to_is_refused_and_left_untouched()
    {
        Directory.CreateDirectory(State);
        File.SetUnixFileMode(State, (UnixFileMode)0b111_111_111);
        var refused = ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var claim);
        Assert.Null(claim);
        Assert.Equal(new StartFailure(StartFailureKind.DirectoryUnsafe, State, "group or others may write to it (mode 0777)") { Role = DirectoryRole.State }, refused);
        Assert.Empty(Directory.GetFileSystemEntries(State));

        // The runtime directory's lock was given back with the refusal.
        File.SetUnixFileMode(State, Private);
        Assert.Null(ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var now));
        now!.Dispose();
    }

    [Fact]
    public void A_parent_others_may_write_to_is_refused_unless_it_is_sticky()
    {
        string parent = Path.Combine(_dir, "a");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, (UnixFileMode)0b111_111_111);
        var refused = ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var claim);
        Assert.Null(claim);
        Assert.Equal((StartFailureKind.DirectoryUnsafe, $"group or others may write to its parent {parent} (mode 0777)"), (refused?.Kind, refused?.Reason));

        File.SetUnixFileMode(parent, (UnixFileMode)0b1_111_111_111);   // as /tmp
        Assert.Null(ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var sticky));
        sticky!.Dispose();
    }

    [Fact]
    public void A_system_runtime_directory_is_made_0755_for_services_running_as_other_users()
    {
        Assert.Null(ManagerClaim.TryTake(userMode: false, Run, State, _uid, out var claim));
        using (claim)
        {
            Assert.Equal(Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Run));
            Assert.Equal(Private, File.GetUnixFileMode(State));
        }
    }

    [Fact]
    public void A_path_that_is_a_file_is_not_a_directory()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a"));
        File.WriteAllText(Run, "");
        var refused = ManagerClaim.TryTake(userMode: true, Run, State, _uid, out var claim);
        Assert.Null(claim);
        Assert.Equal(new StartFailure(StartFailureKind.DirectoryNotCreated, Run, "Not a directory") { Role = DirectoryRole.Runtime }, refused);
    }

    public void Dispose()
    {
        foreach (string dir in Directory.EnumerateDirectories(_dir, "*", SearchOption.AllDirectories).Prepend(_dir))
            File.SetUnixFileMode(dir, Private);
        Directory.Delete(_dir, recursive: true);
    }
}
