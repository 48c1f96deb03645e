using System.Globalization;
using Summon.Interop;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// The System V (shared memory, semaphores, message queues, from /proc/sysvipc) and POSIX (/dev/shm, /dev/mqueue) IPC
/// objects of a user or group, as systemd's clean-ipc.c finds them: by owner uid or gid. Root's are never touched.
/// Blocking file-system work: pool threads only.
/// </summary>
internal static class IpcObjects
{
    private static readonly (string Table, Func<int, int> Remove)[] s_sysv =
    [
        ("/proc/sysvipc/shm", id => Libc.Shmctl(id, Libc.IPC_RMID, 0)),
        ("/proc/sysvipc/sem", id => Libc.Semctl(id, 0, Libc.IPC_RMID)),
        ("/proc/sysvipc/msg", id => Libc.Msgctl(id, Libc.IPC_RMID, 0)),
    ];

    /// <summary>True when a System V object is owned by <paramref name="uid"/> or <paramref name="gid"/> (a uid left
    /// behind by a crashed holder is not handed out again while its objects live).</summary>
    public static bool AnyOwnedBy(uint uid, uint gid)
    {
        foreach (var (table, _) in s_sysv)
            if (Owned(table, uid, gid).Count > 0)
                return true;
        return false;
    }

    /// <summary>Removes every object owned by <paramref name="uid"/> or <paramref name="gid"/> (null: that side is not
    /// matched; 0 is never matched); returns how many went.</summary>
    public static int Remove(uint? uid, uint? gid)
    {
        uid = uid == 0 ? null : uid;
        gid = gid == 0 ? null : gid;
        if (uid is null && gid is null)
            return 0;
        int removed = 0;
        foreach (var (table, remove) in s_sysv)
            foreach (int id in Owned(table, uid, gid))
                if (remove(id) == 0)
                    removed++;
        removed += RemoveFiles("/dev/shm", uid, gid);
        removed += RemoveFiles("/dev/mqueue", uid, gid);
        return removed;
    }

    /// <summary>The ids of a /proc/sysvipc table whose owner (the uid and gid columns) matches.</summary>
    internal static List<int> Owned(string table, uint? uid, uint? gid)
    {
        var ids = new List<int>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(table);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ids;
        }

        if (lines.Length == 0)
            return ids;
        string[] header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int uidColumn = Array.IndexOf(header, "uid"), gidColumn = Array.IndexOf(header, "gid");
        if (uidColumn < 0 || gidColumn < 0)
            return ids;
        foreach (string line in lines.AsSpan(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length <= Math.Max(uidColumn, gidColumn)
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                || !uint.TryParse(fields[uidColumn], NumberStyles.None, CultureInfo.InvariantCulture, out uint owner)
                || !uint.TryParse(fields[gidColumn], NumberStyles.None, CultureInfo.InvariantCulture, out uint group))
                continue;
            if ((uid is { } u && owner == u) || (gid is { } g && group == g))
                ids.Add(id);
        }

        return ids;
    }

    /// <summary>POSIX shared memory and message queues are files of /dev/shm and /dev/mqueue: the matching ones go,
    /// directories after what they hold (clean_posix_shm_internal()).</summary>
    private static int RemoveFiles(string directory, uint? uid, uint? gid)
    {
        int removed = 0;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (string entry in entries)
        {
            if (Owner(entry) is not { } o)
                continue;
            bool match = (uid is { } u && o.Uid == u) || (gid is { } g && o.Gid == g);
            try
            {
                if (o.Directory)
                {
                    removed += RemoveFiles(entry, uid, gid);
                    if (match)
                        Directory.Delete(entry);
                }
                else if (match)
                    File.Delete(entry);
                if (match)
                    removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return removed;
    }

    private static unsafe (uint Uid, uint Gid, bool Directory)? Owner(string path)
    {
        byte* buffer = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, buffer, Libc.AT_SYMLINK_NOFOLLOW) < 0)
            return null;
        var (mode, owner, group) = Libc.StatModeAndOwner(buffer);
        return (owner, group, (mode & Libc.S_IFMT) == Libc.S_IFDIR);
    }
}
