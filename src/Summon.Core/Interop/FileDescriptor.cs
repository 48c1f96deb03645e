using System.Runtime.InteropServices;
using Summon.Posix;

namespace Summon.Interop;

/// <summary>Small fd operations on owned handles, with errno turned into <see cref="ErrnoException"/>.</summary>
internal static class FileDescriptor
{
    /// <summary>pipe2(O_CLOEXEC): both ends owned, close-on-exec (posix_spawn's dup2 makes the child's copy inheritable).</summary>
    public static unsafe (SafeFdHandle Read, SafeFdHandle Write) CreatePipe(bool nonBlocking = false)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | (nonBlocking ? Libc.O_NONBLOCK : 0)) != 0)
            throw ErrnoException.FromLast("pipe2");
        return (new SafeFdHandle(fds[0]), new SafeFdHandle(fds[1]));
    }

    /// <summary>
    /// Opens StandardOutput=file:/append:/truncate: targets: O_WRONLY|O_CREAT (0644) plus O_APPEND or O_TRUNC.
    /// O_APPEND must be on the open file description itself (the child writes through it), which .NET's
    /// FileMode.Append does not do.
    /// </summary>
    public static SafeFdHandle OpenOutput(string path, bool append, bool truncate)
    {
        const int O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400;
        int flags = Libc.O_WRONLY | O_CREAT | Libc.O_CLOEXEC | (append ? O_APPEND : 0) | (truncate ? O_TRUNC : 0);
        int fd = Libc.Open(path, flags, Convert.ToUInt32("644", 8));
        if (fd < 0)
            throw ErrnoException.FromLast("open");
        return new SafeFdHandle(fd);
    }

    /// <summary>"DEV:INODE" of an open fd, as systemd puts it in $JOURNAL_STREAM; null when fstat fails.</summary>
    public static unsafe string? DeviceAndInode(SafeHandle handle)
    {
        bool added = false;
        byte* buffer = stackalloc byte[256];
        try
        {
            handle.DangerousAddRef(ref added);
            if (Libc.Fstat((int)handle.DangerousGetHandle(), buffer) < 0)
                return null;
            ulong dev = *(ulong*)buffer, ino = *(ulong*)(buffer + 8);
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{dev}:{ino}");
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>True when O_NONBLOCK is set on the open file description behind the handle.</summary>
    public static bool IsNonBlocking(SafeHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int flags = Libc.Fcntl((int)handle.DangerousGetHandle(), Libc.F_GETFL, 0);
            if (flags < 0)
                throw ErrnoException.FromLast("fcntl(F_GETFL)");
            return (flags & Libc.O_NONBLOCK) != 0;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>Sets or clears O_NONBLOCK. Note: it lives on the open file description, shared with every dup.</summary>
    public static void SetNonBlocking(SafeHandle handle, bool nonBlocking)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int errno = SetNonBlocking((int)handle.DangerousGetHandle(), nonBlocking);
            if (errno != 0)
                throw new ErrnoException("fcntl(F_SETFL)", errno);
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>Raw form for callers that already hold a reference. Returns 0 or errno; skips F_SETFL when nothing changes.</summary>
    internal static int SetNonBlocking(int fd, bool nonBlocking)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0)
            return Errno.Last;
        int wanted = nonBlocking ? flags | Libc.O_NONBLOCK : flags & ~Libc.O_NONBLOCK;
        if (wanted == flags)
            return 0;
        return Libc.Fcntl(fd, Libc.F_SETFL, wanted) < 0 ? Errno.Last : 0;
    }

    /// <summary>True when FD_CLOEXEC is set on this descriptor.</summary>
    public static bool IsCloseOnExec(SafeHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int flags = Libc.Fcntl((int)handle.DangerousGetHandle(), Libc.F_GETFD, 0);
            if (flags < 0)
                throw ErrnoException.FromLast("fcntl(F_GETFD)");
            return (flags & Libc.FD_CLOEXEC) != 0;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>read(2) until EOF, retrying EINTR. For tests and small control pipes.</summary>
    public static unsafe byte[] ReadToEnd(SafeHandle handle)
    {
        bool added = false;
        var output = new MemoryStream();
        byte* buffer = stackalloc byte[4096];
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                nint n = Libc.Read(fd, buffer, 4096);
                if (n == 0)
                    return output.ToArray();
                if (n < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EINTR)
                        continue;
                    throw new ErrnoException("read", errno);
                }
                output.Write(new ReadOnlySpan<byte>(buffer, (int)n));
            }
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }
}
