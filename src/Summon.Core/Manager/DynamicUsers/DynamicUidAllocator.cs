using System.Text;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// Picks a free uid of systemd's dynamic range (61184–65519) for a name, as systemd's pick_uid(): first the owners of
/// the unit's existing private directories (no recursive chown then), then a hash of the name (the same service gets
/// the same uid while nobody else has it), then random ones, 100 tries in all. A candidate is taken when its lock file
/// can be locked, is still linked once locked, and neither passwd, group nor a System V IPC object uses the number.
/// Runs on a pool thread: NSS lookups and file-system calls block.
/// </summary>
internal sealed class DynamicUidAllocator(string lockDirectory)
{
    public const uint First = 61184, Last = 65519;

    private const int Tries = 100;

    /// <summary>Where the lock files live (systemd's /run/systemd/dynamic-uid unless a test says).</summary>
    public string LockDirectory { get; } = lockDirectory;

    public static bool InRange(uint id) => id is >= First and <= Last;

    /// <summary>Locks a free uid for <paramref name="name"/>; <see cref="DynamicUserFailure"/> (EBUSY) when none is.</summary>
    public DynamicUidLock Allocate(string name, IReadOnlyList<uint> suggested)
    {
        MakeDirectory();
        int next = 0;
        bool hashed = false;
        for (int i = 0; i < Tries; i++)
        {
            uint candidate;
            if (next < suggested.Count)
                candidate = suggested[next++];
            else if (!hashed)
            {
                hashed = true;
                candidate = Clamp(DynamicUserName.Hash(name));
            }
            else
                candidate = Clamp((ulong)Random.Shared.NextInt64());
            if (!InRange(candidate))
                continue;
            if (TryLock(candidate, name) is { } held)
                return held;
        }

        throw new DynamicUserFailure(Errno.EBUSY,
            $"No free uid for dynamic user {name} in {First}–{Last} after {Tries} tries (each locked in {LockDirectory} or used by passwd, group or IPC objects); stop units that hold one, or give the unit a static User=.");
    }

    private static uint Clamp(ulong value) => (uint)(value % (Last - First + 1)) + First;

    private void MakeDirectory()
    {
        // 0700 when we make it: only root reads who holds what (systemd's is 0755; an existing one is left as it is).
        try
        {
            if (!OperatingSystem.IsWindows())
                Directory.CreateDirectory(LockDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DynamicUserFailure(e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO, $"Cannot make {LockDirectory}: {e.Message}");
        }
    }

    /// <summary>The lock of <paramref name="uid"/>, or null when another holder has it or the uid is in use.</summary>
    private DynamicUidLock? TryLock(uint uid, string name)
    {
        string path = LockDirectory + "/" + uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        SafeFdHandle handle;
        while (true)
        {
            handle = new SafeFdHandle(Libc.Open(path, Libc.O_CREAT | Libc.O_RDWR | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NOCTTY, 0b110_000_000));
            if (handle.IsInvalid)
                throw new DynamicUserFailure(Errno.Last, $"Cannot open {path}: {Errno.Describe(Errno.Last)}");
            if (Libc.Flock(handle, Libc.LOCK_EX | Libc.LOCK_NB) < 0)
            {
                int errno = Errno.Last;
                handle.Dispose();
                if (errno == Errno.EAGAIN)
                    return null;   // held by another unit, manager or systemd
                throw new DynamicUserFailure(errno, $"Cannot lock {path}: {Errno.Describe(errno)}");
            }

            if (StillLinked(handle, path))
                break;
            handle.Dispose();   // unlinked by its last holder between our open and our lock: open the new one
        }

        if (UserDatabase.TryGetUser(uid, out _) == 0 || UserDatabase.TryGetGroup(uid, out _) == 0 || IpcObjects.AnyOwnedBy(uid, uid))
        {
            Libc.Unlink(path);
            handle.Dispose();
            return null;
        }

        // The user's name in the file, as systemd keeps it, so that the uid can be named from outside.
        byte[] text = Encoding.UTF8.GetBytes(name + "\n");
        unsafe
        {
            fixed (byte* b = text)
            {
                if (Libc.Write(handle, b, text.Length) != text.Length || Libc.Ftruncate(handle, text.Length) < 0)
                {
                    int errno = Errno.Last;
                    Libc.Unlink(path);
                    handle.Dispose();
                    throw new DynamicUserFailure(errno, $"Cannot write {path}: {Errno.Describe(errno)}");
                }
            }
        }

        return new DynamicUidLock(uid, path, handle);
    }

    /// <summary>The locked file is still the one at <paramref name="path"/> (same device and inode).</summary>
    private static unsafe bool StillLinked(SafeFdHandle handle, string path)
    {
        byte* held = stackalloc byte[Libc.StatSize];
        byte* named = stackalloc byte[Libc.StatSize];
        if (Libc.Fstat(handle, held) < 0 || Libc.Fstatat(Libc.AT_FDCWD, path, named, Libc.AT_SYMLINK_NOFOLLOW) < 0)
            return false;
        return *(ulong*)held == *(ulong*)named && *(ulong*)(held + 8) == *(ulong*)(named + 8);
    }
}
