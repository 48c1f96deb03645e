using System.Runtime.InteropServices;

namespace Summon.Posix;

/// <summary>The one errno table: the values the manager and the unit loader report, and their strerror(3) text.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EMFILE = 24, ENOSPC = 28,
        EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOTSOCK = 88, EAFNOSUPPORT = 97, EADDRINUSE = 98,
        EADDRNOTAVAIL = 99, ENETDOWN = 100, ECONNABORTED = 103, ECONNRESET = 104, ENOTCONN = 107,
        ECONNREFUSED = 111, ENFILE = 23, ENODEV = 19, EBADSLT = 57, ENOEXEC = 8, ENXIO = 6, EBADMSG = 74, ENOBUFS = 105,
        ENOPKG = 65, ENOMEDIUM = 123, EPROTO = 71, EOPNOTSUPP = 95, ENOPROTOOPT = 92,
        EHOSTDOWN = 112, ENONET = 64, EHOSTUNREACH = 113, ENETUNREACH = 101, ETIMEDOUT = 110, EROFS = 30;

    /// <summary>A cgroup with processes asked to enable controllers for its children, or removed while in use.</summary>
    public const int EBUSY = 16;

    /// <summary>strerror(errno), e.g. "Address already in use".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>The errno of the last P/Invoke declared with SetLastError = true.</summary>
    public static int Last => Marshal.GetLastPInvokeError();
}

/// <summary>A failed system call: which call, and errno. Message worded like systemd's "%m".</summary>
internal sealed class ErrnoException : Exception
{
    public ErrnoException(string call, int errno) : base($"{call}: {Errno.Describe(errno)}")
    {
        Call = call;
        Number = errno;
    }

    public string Call { get; }

    public int Number { get; }

    /// <summary>strerror text alone, as systemd's %m prints it.</summary>
    public string Reason => Errno.Describe(Number);

    public static ErrnoException FromLast(string call) => new(call, Errno.Last);
}
