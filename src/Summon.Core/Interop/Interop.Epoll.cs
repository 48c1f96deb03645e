using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x001, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010, EPOLLRDHUP = 0x2000;

    /// <summary>EPOLLPRI: what a cgroup file such as cgroup.events reports when its content changed.</summary>
    internal const uint EPOLLPRI = 0x002;

    /// <summary>struct epoll_event is packed on x86_64: 4 bytes of events, then 8 bytes of data (12 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport(Name, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Name, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static unsafe partial int EpollCtl(SafeHandle epfd, int op, SafeHandle fd, EpollEvent* ev);

    /// <summary>epoll_wait(2). Not retried on EINTR: the caller recomputes its timeout (timers are due meanwhile).</summary>
    [LibraryImport(Name, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static unsafe partial int EpollWait(SafeHandle epfd, EpollEvent* events, int maxevents, int timeout);
}
