using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const short POLLIN = 0x001, POLLOUT = 0x004, POLLERR = 0x008, POLLHUP = 0x010;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>
    /// poll(2) on one descriptor: the events that occurred (0 on timeout), or -1 with errno. Not retried on EINTR (its
    /// caller, a wait loop, simply looks again); POLLERR and POLLHUP are reported whatever <paramref name="events"/> asks.
    /// </summary>
    internal static unsafe int Poll(SafeHandle fd, short events, int timeoutMilliseconds)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            var entry = new PollFd { Fd = (int)fd.DangerousGetHandle(), Events = events };
            int result = PollOnce(&entry, 1, timeoutMilliseconds);
            return result < 0 ? -1 : entry.Revents;
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollOnce(PollFd* fds, nuint count, int timeout);
}
