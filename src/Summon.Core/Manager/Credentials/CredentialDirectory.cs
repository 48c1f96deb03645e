using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Credentials;

/// <summary>
/// One unit's credentials directory on disk, as systemd's setup_credentials() leaves it: ROOT/UNIT holding one file per
/// credential, each 0400 and owned by the service's user, the directory 0500 and owned by that user, under a ROOT
/// of 0755. Run as root it is a private file system of its own (ramfs, which is never swapped, else a tmpfs; nodev,
/// noexec, nosuid, made read-only once filled); where mounting is not permitted it is a plain directory. Whatever an
/// earlier run left there (a manager that crashed) is replaced. Blocking file work: called off the event loop for
/// making, and for removing only once nothing is making it.
/// </summary>
internal static class CredentialDirectory
{
    private const ulong MountFlags = Libc.MS_NODEV | Libc.MS_NOEXEC | Libc.MS_NOSUID;

    /// <summary>Makes <paramref name="directory"/> with <paramref name="credentials"/> in it; returns the line to log
    /// when it had to be a plain directory although a mount was tried (null otherwise).</summary>
    /// <param name="uid">The service's user (User=), or null for the manager's own.</param>
    /// <param name="tryMount">Whether to mount a private file system (the manager runs as root).</param>
    public static string? Create(string directory, IReadOnlyList<(string Id, byte[] Data)> credentials, uint? uid, uint? gid, bool tryMount)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        string root = Path.GetDirectoryName(directory)!;
        if (!Directory.Exists(root))
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Remove(directory);
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        string? notice = null;
        bool mounted = false;
        if (tryMount)
        {
            mounted = Libc.Mount("ramfs", directory, "ramfs", MountFlags, "mode=0700") == 0
                || Libc.Mount("tmpfs", directory, "tmpfs", MountFlags, $"mode=0700,nr_inodes=1024,size={CredentialSources.MaxSize * 2}") == 0;
            if (!mounted)
                notice = $"Cannot mount a private file system for credentials on {directory} ({Errno.Describe(Errno.Last)}), using a plain directory.";
        }

        try
        {
            foreach (var (id, data) in credentials)
                Write(Path.Combine(directory, id), data, uid, gid);
            Own(directory, uid, gid);
            Chmod(directory, 0x140);   // 0500
            if (mounted)
                _ = Libc.Mount(null, directory, null, Libc.MS_REMOUNT | Libc.MS_BIND | Libc.MS_RDONLY | MountFlags, null);
        }
        catch
        {
            Remove(directory);
            throw;
        }
        return notice;
    }

    /// <summary>Unmounts and removes <paramref name="directory"/>; nothing when it is not there.</summary>
    public static void Remove(string directory)
    {
        // A crashed manager may have left more than one mount stacked there: take them all (lazily, never waiting).
        for (int i = 0; i < 8 && Libc.Umount2(directory, Libc.MNT_DETACH | Libc.UMOUNT_NOFOLLOW) == 0; i++)
        {
        }
        if (!Directory.Exists(directory))
            return;
        Chmod(directory, 0x1C0);   // 0700: a manager that is not root may remove what it made 0500
        Directory.Delete(directory, recursive: true);
    }

    private static void Write(string path, byte[] data, uint? uid, uint? gid)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead,
        };
        using (var stream = new FileStream(path, options))
            stream.Write(data);
        Own(path, uid, gid);
        Chmod(path, 0x100);   // 0400 whatever the umask
    }

    private static void Own(string path, uint? uid, uint? gid)
    {
        if (uid is null && gid is null)
            return;
        if (Libc.Chown(path, uid ?? uint.MaxValue, gid ?? uint.MaxValue) < 0)
            throw new CredentialFailure(Errno.Last, $"Cannot give {path} to the service's user: {Errno.Describe(Errno.Last)}.");
    }

    private static void Chmod(string path, uint mode)
    {
        if (Libc.Fchmodat(Libc.AT_FDCWD, path, mode, 0) < 0)
            throw new CredentialFailure(Errno.Last, $"Cannot set the mode of {path}: {Errno.Describe(Errno.Last)}.");
    }
}
