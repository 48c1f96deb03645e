using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>What a child's standard streams are made of besides inherited fds, sockets and the files it opens itself
/// (<see cref="ChildFile"/>): pipes, and the identity of a stream that systemd puts in $JOURNAL_STREAM. Errors become <see cref="ErrnoException"/>.</summary>
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
