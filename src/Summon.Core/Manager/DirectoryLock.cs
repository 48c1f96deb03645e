using Summon.Interop;
using Summon.Posix;
using static Summon.Manager.ManagerHost;

namespace Summon.Manager;

/// <summary>
/// The <c>lock</c> file (0600) of a runtime or state directory, held with flock(2) for the manager's life: the first
/// thing a manager takes in a directory, so a second manager is refused before it touches anything there. The kernel
/// releases it with the last fd to it, at the holder's exit by any means (SIGKILL included), so a crashed manager never
/// holds back the one taking over. The fd is close-on-exec and every spawn closes the fds it does not map: no child
/// holds it.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly SafeFdHandle _handle;

    private DirectoryLock(SafeFdHandle handle) => _handle = handle;

    /// <summary>
    /// Takes the lock of <paramref name="directory"/> into <paramref name="held"/>; why not, or null. A directory that
    /// cannot be written (a read-only state directory, whose journal stays on the console) is locked through its lock file
    /// opened for reading when there is one, and left unlocked when there is none, unless <paramref name="required"/>.
    /// </summary>
    public static StartFailure? TryTake(DirectoryRole role, string directory, bool required, out DirectoryLock? held)
    {
        held = null;
        string path = Path.Combine(directory, FileName);
        var handle = new SafeFdHandle(Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOCTTY, Convert.ToUInt32("600", 8)));
        int errno = Errno.Last;
        if (handle.IsInvalid && !required && errno is Errno.EROFS or Errno.EACCES)
        {
            handle = new SafeFdHandle(Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NOCTTY, 0));
            errno = Errno.Last;
            if (handle.IsInvalid && errno == Errno.ENOENT)
                return null;
        }
        if (handle.IsInvalid)
            return new StartFailure(StartFailureKind.LockNotTaken, path, Errno.Describe(errno)) { Role = role };

        if (Libc.Flock(handle, Libc.LOCK_EX | Libc.LOCK_NB) < 0)
        {
            errno = Errno.Last;
            handle.Dispose();
            return errno == Errno.EAGAIN
                ? new StartFailure(StartFailureKind.DirectoryHeld, path, "") { Role = role }
                : new StartFailure(StartFailureKind.LockNotTaken, path, Errno.Describe(errno)) { Role = role };
        }
        held = new DirectoryLock(handle);
        return null;
    }

    /// <summary>The lock a re-exec carried across execve (the flock belongs to the open file, which stayed open).</summary>
    public static DirectoryLock Carried(SafeFdHandle handle) => new(handle);

    /// <summary>The lock's fd, which a re-exec carries.</summary>
    public SafeFdHandle Handle => _handle;

    public void Dispose() => _handle.Dispose();
}
