using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Directories;

/// <summary>
/// The file-system steps of one service directory (setup_exec_directory of systemd's execute.c): make it with its
/// parents, set its mode, hand it to the service's user, link to it, remove it. Every step after the first open goes
/// through directory fds, and the directory itself is opened with O_NOFOLLOW, so that a symbolic link planted by
/// whoever owned it before cannot redirect a chmod or chown to a file elsewhere: a directory that is a symlink is
/// refused, as systemd refuses it. Failures are <see cref="ErrnoException"/>s.
/// </summary>
internal static class ExecDirectoryMaker
{
    /// <summary>0755: parents made on the way, as systemd's mkdir_parents_label(…, 0755).</summary>
    private const uint ParentMode = 0b111_101_101;

    private const uint Permissions = 0b111_111_111_111;

    /// <summary>
    /// Makes <paramref name="root"/>/<paramref name="relative"/> (parents 0755), sets <paramref name="mode"/> and, when
    /// <paramref name="owner"/> is given and differs, chowns the whole tree. With <paramref name="keepExisting"/>
    /// (ConfigurationDirectory=) a directory that already exists is left as it is; the returned text then says how its
    /// mode differs, as systemd warns. Null otherwise.
    /// </summary>
    public static string? Make(string root, string relative, uint mode, (uint Uid, uint Gid)? owner, bool keepExisting, string key)
    {
        string path = root.TrimEnd('/') + "/" + relative;
        using var parent = OpenParent(path, out string name);
        bool existed = false;
        if (Libc.Mkdirat(parent, name, mode) < 0)
        {
            int errno = Errno.Last;
            if (errno != Errno.EEXIST)
                throw new ErrnoException("mkdirat", errno);
            existed = true;
        }

        using var directory = OpenAt(parent, name, follow: false);
        if (existed && keepExisting)
        {
            uint actual = ModeAndOwner(directory).Mode & Permissions;
            return actual == (mode & Permissions) ? null
                : $"{key} '{relative}' already exists but the mode is different. (File system: {Convert.ToString(actual, 8)} {key}Mode: {Convert.ToString(mode & Permissions, 8)})";
        }

        // mkdirat's mode passed through the umask; the mode asked for is set exactly, also on a directory that existed.
        if (Libc.Fchmod(directory, mode & Permissions) < 0)
            throw ErrnoException.FromLast("fchmod");
        if (owner is { } o)
        {
            var (_, uid, gid) = ModeAndOwner(directory);
            if (uid != o.Uid || gid != o.Gid)
            {
                // Only when the top is not already theirs, as systemd's path_chown_recursive(): a tree the service owns
                // is left as it is. The top last, so that an interrupted chown is done again at the next start.
                ChownTree(directory, path, o.Uid, o.Gid);
                if (Libc.Fchown(directory, o.Uid, o.Gid) < 0)
                    throw ErrnoException.FromLast("fchown");
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="root"/>/<paramref name="link"/> as a relative symbolic link to <paramref name="root"/>/<paramref
    /// name="target"/> (parents 0755); one already pointing there is fine, anything else there is EEXIST.
    /// </summary>
    public static void Link(string root, string target, string link)
    {
        string linkPath = root.TrimEnd('/') + "/" + link;
        string targetPath = root.TrimEnd('/') + "/" + target;
        using (OpenParent(linkPath, out _))
        {
        }

        string relative = Path.GetRelativePath(Path.GetDirectoryName(linkPath)!, targetPath);
        try
        {
            var existing = new FileInfo(linkPath);
            if (existing.LinkTarget is { } current)
            {
                if (current != relative && current != targetPath)
                    throw new ErrnoException("symlink", Errno.EEXIST);
                return;
            }

            if (existing.Exists || Directory.Exists(linkPath))
                throw new ErrnoException("symlink", Errno.EEXIST);
            File.CreateSymbolicLink(linkPath, relative);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ErrnoException("symlink", ErrnoOf(e));
        }
    }

    /// <summary>Removes <paramref name="path"/> and what it holds (a symbolic link is removed, never followed); a missing
    /// one is fine. What cannot be removed stays, as systemd's rm_rf at stop ignores it.</summary>
    public static void Remove(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || info.Exists)
                info.Delete();
            else if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes <paramref name="path"/> when it is a symbolic link (one made by <see cref="Link"/>).</summary>
    public static void RemoveLink(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
                info.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Opens the directory that will hold the last component of <paramref name="path"/>, making what is missing
    /// on the way (0755); symbolic links on the way are followed, as mkdir -p does. The parent is opened at once when
    /// it exists (every spawn after the first), walked from / only when it does not.</summary>
    private static SafeFdHandle OpenParent(string path, out string name)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        name = parts[^1];
        int fd = Libc.Open("/" + string.Join('/', parts[..^1]), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd >= 0)
            return new SafeFdHandle(fd);
        if (Errno.Last != Errno.ENOENT)
            throw ErrnoException.FromLast("open");
        fd = Libc.Open("/", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw ErrnoException.FromLast("open");
        var current = new SafeFdHandle(fd);
        try
        {
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (Libc.Mkdirat(current, parts[i], ParentMode) < 0 && Errno.Last != Errno.EEXIST)
                    throw ErrnoException.FromLast("mkdirat");
                var next = OpenAt(current, parts[i], follow: true);
                current.Dispose();
                current = next;
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    private static SafeFdHandle OpenAt(SafeFdHandle directory, string name, bool follow)
    {
        int flags = Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NONBLOCK | (follow ? 0 : Libc.O_NOFOLLOW);
        int fd = Libc.Openat(directory, name, flags, 0);
        return fd < 0 ? throw ErrnoException.FromLast("openat") : new SafeFdHandle(fd);
    }

    /// <summary>
    /// Chowns what <paramref name="directory"/> holds, depth first, never following a symbolic link: subdirectories are
    /// opened with O_NOFOLLOW from their parent's fd and everything else is changed with AT_SYMLINK_NOFOLLOW. The names
    /// are read through <paramref name="path"/>; a name that is gone by the time it is reached is skipped.
    /// </summary>
    private static void ChownTree(SafeFdHandle directory, string path, uint uid, uint gid)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(path).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ErrnoException("opendir", ErrnoOf(e));
        }

        foreach (string entry in entries)
        {
            string name = Path.GetFileName(entry);
            int fd = Libc.Openat(directory, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NONBLOCK | Libc.O_NOFOLLOW, 0);
            if (fd >= 0)
            {
                using var child = new SafeFdHandle(fd);
                ChownTree(child, entry, uid, gid);
                if (Libc.Fchown(child, uid, gid) < 0)
                    throw ErrnoException.FromLast("fchown");
                continue;
            }

            if (Libc.Fchownat(directory, name, uid, gid, Libc.AT_SYMLINK_NOFOLLOW) < 0 && Errno.Last != Errno.ENOENT)
                throw ErrnoException.FromLast("fchownat");
        }
    }

    private static unsafe (uint Mode, uint Uid, uint Gid) ModeAndOwner(SafeFdHandle fd)
    {
        byte* buffer = stackalloc byte[Libc.StatSize];
        if (Libc.Fstat(fd, buffer) < 0)
            throw ErrnoException.FromLast("fstat");
        return Libc.StatModeAndOwner(buffer);
    }

    private static int ErrnoOf(Exception e) => e switch
    {
        UnauthorizedAccessException => Errno.EACCES,
        DirectoryNotFoundException or FileNotFoundException => Errno.ENOENT,
        _ when e.HResult is > 0 and < 4096 => e.HResult,
        _ => Errno.EIO,
    };
}
