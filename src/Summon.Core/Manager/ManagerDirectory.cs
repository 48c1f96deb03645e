using Summon.Interop;
using Summon.Posix;
using static Summon.Manager.ManagerHost;

namespace Summon.Manager;

/// <summary>
/// A runtime or state directory, before the manager puts anything in it: made when missing, private to its user, and
/// refused when anybody but its user (or root) could place or replace a file in it — owned by another user, writable by
/// group or others, a symbolic link of another user's, or under a parent that another user can rename it in. The
/// fallback <c>/tmp/summon-UID</c> is the case to guard: anybody can make it first, for everybody.
/// </summary>
internal static class ManagerDirectory
{
    /// <summary>0700: what the directories are made with.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// 0755: the system manager's runtime directory, as systemd's /run/systemd, so that services running as other users
    /// (User=) reach its notify socket; nobody but root can write to it all the same.
    /// </summary>
    public const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const uint WritableByOthers = 0b000_010_010, Sticky = 0b001_000_000_000, Permissions = 0b111_111_111_111;

    /// <summary>Makes <paramref name="path"/> with <paramref name="mode"/> when missing and checks it; why it will not do, or null.</summary>
    public static StartFailure? Prepare(DirectoryRole role, string path, UnixFileMode mode, uint uid)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        path = Path.GetFullPath(path);
        if (Stat(path, follow: true) is { } existing && (existing.Mode & Libc.S_IFMT) != Libc.S_IFDIR)
            return new StartFailure(StartFailureKind.DirectoryNotCreated, path, Errno.Describe(Errno.ENOTDIR)) { Role = role };
        try
        {
            Directory.CreateDirectory(path, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new StartFailure(StartFailureKind.DirectoryNotCreated, path, Reason(e)) { Role = role };
        }

        string? unsafeWhy = Unsafe(path, uid);
        return unsafeWhy is null ? null : new StartFailure(StartFailureKind.DirectoryUnsafe, path, unsafeWhy) { Role = role };
    }

    /// <summary>How others could change what the directory holds; null when only its user (or root) can.</summary>
    private static string? Unsafe(string path, uint uid)
    {
        if (Stat(path, follow: false) is { } link && (link.Mode & Libc.S_IFMT) == Libc.S_IFLNK && !Trusted(link.Uid, uid))
            return $"it is a symbolic link that belongs to uid {link.Uid}, not to uid {uid}";
        if (Stat(path, follow: true) is not { } own)
            return null;
        if (Problem("it", own, uid, sticky: false) is { } problem)
            return problem;
        string? parent = Path.GetDirectoryName(path);
        return parent is not null && Stat(parent, follow: true) is { } up ? Problem($"its parent {parent}", up, uid, sticky: true) : null;
    }

    /// <summary>
    /// What is wrong with a directory's owner and mode. A parent may be writable by all with the sticky bit (as /tmp):
    /// then nobody else can rename or remove what is ours in it.
    /// </summary>
    private static string? Problem(string what, (uint Mode, uint Uid) stat, uint uid, bool sticky)
    {
        bool foreign = !Trusted(stat.Uid, uid);
        bool writable = (stat.Mode & WritableByOthers) != 0 && !(sticky && (stat.Mode & Sticky) != 0);
        string mode = Convert.ToString(stat.Mode & Permissions, 8).PadLeft(4, '0');
        return (foreign, writable) switch
        {
            (true, true) => $"{what} belongs to uid {stat.Uid}, not to uid {uid}, and group or others may write to it (mode {mode})",
            (true, false) => $"{what} belongs to uid {stat.Uid}, not to uid {uid}",
            (false, true) => $"group or others may write to {what} (mode {mode})",
            _ => null,
        };
    }

    /// <summary>Root owns what every manager trusts (/run, /tmp, a system directory made for a user).</summary>
    private static bool Trusted(uint owner, uint uid) => owner == uid || owner == 0;

    private static unsafe (uint Mode, uint Uid)? Stat(string path, bool follow)
    {
        byte* buffer = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, buffer, follow ? 0 : Libc.AT_SYMLINK_NOFOLLOW) < 0)
            return null;
        var (mode, owner, _) = Libc.StatModeAndOwner(buffer);
        return (mode, owner);
    }

    /// <summary>strerror's words for a failed mkdir, without .NET's wrapping (its texts are resource keys in the AOT build).</summary>
    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => Errno.Describe(Errno.EACCES),
        DirectoryNotFoundException or FileNotFoundException => Errno.Describe(Errno.ENOENT),
        _ when e.HResult is > 0 and < 4096 => Errno.Describe(e.HResult),
        _ => e.Message.Split(" : '", 2)[0],
    };
}
