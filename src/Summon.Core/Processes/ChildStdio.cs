using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>What a child's standard streams are made of besides inherited fds and sockets: pipes, output files, and
/// the identity of a stream that systemd puts in $JOURNAL_STREAM. Errors become <see cref="ErrnoException"/>.</summary>
internal static class ChildStdio
{
    /// <summary>pipe2(O_CLOEXEC): both ends owned, close-on-exec (the spawn's dup2 makes the child's copy inheritable).</summary>
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
        int flags = Libc.O_WRONLY | Libc.O_CREAT | Libc.O_CLOEXEC | (append ? Libc.O_APPEND : 0) | (truncate ? Libc.O_TRUNC : 0);
        int fd = Libc.Open(path, flags, Convert.ToUInt32("644", 8));
        if (fd < 0)
            throw ErrnoException.FromLast("open");
        return new SafeFdHandle(fd);
    }

    /// <summary>"DEV:INODE" of an open fd, as systemd puts it in $JOURNAL_STREAM; null when fstat fails.</summary>
    public static unsafe string? DeviceAndInode(SafeHandle handle)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.Fstat(handle, buffer) < 0)
            return null;
        ulong dev = *(ulong*)buffer, ino = *(ulong*)(buffer + 8);
        return string.Create(CultureInfo.InvariantCulture, $"{dev}:{ino}");
    }
}
