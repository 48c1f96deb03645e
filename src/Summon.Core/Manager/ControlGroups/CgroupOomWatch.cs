using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// The OOM kills in one unit's cgroup as an fd the loop watches: cgroup2's memory.events (EPOLLPRI when it changes,
/// re-armed by reading it) where the memory controller is enabled, else the v1 memory controller's OOM notification,
/// an eventfd registered through cgroup.event_control for memory.oom_control (EPOLLIN). <see cref="NewKills"/>
/// counts the kills since it last asked, from the oom_kill counter either file keeps.
/// </summary>
internal sealed class CgroupOomWatch : IDisposable
{
    private readonly SafeFdHandle? _counter;   // the file read for the count: memory.events, or v1 memory.oom_control
    private readonly bool _eventFd;
    private ulong _seen;

    private CgroupOomWatch(SafeFdHandle fd, uint events, SafeFdHandle counter, bool eventFd)
    {
        Fd = fd;
        Events = events;
        _counter = counter;
        _eventFd = eventFd;
        _seen = ReadCount();
    }

    /// <summary>What the loop watches.</summary>
    public SafeFdHandle Fd { get; }

    /// <summary>The epoll events that say "look again".</summary>
    public uint Events { get; }

    /// <summary>A watch on the cgroup at <paramref name="dir"/> (or its v1 memory directory); null where no memory controller counts OOM kills.</summary>
    public static CgroupOomWatch? Open(string dir, bool memoryController, IEnumerable<string> legacyDirs)
    {
        // memory.events is there only where the cgroup2 memory controller is enabled: no failed open per start elsewhere.
        if (memoryController && CgroupFile.Open(Path.Combine(dir, "memory.events"), Libc.O_RDONLY, out _) is { } events)
            return new CgroupOomWatch(events, Libc.EPOLLPRI, events, eventFd: false);
        foreach (string legacy in legacyDirs)
        {
            if (CgroupFile.Open(Path.Combine(legacy, "memory.oom_control"), Libc.O_RDONLY, out _) is not { } control)
                continue;
            int efd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            if (efd < 0)
            {
                control.Dispose();
                return null;
            }
            var eventFd = new SafeFdHandle(efd);
            string registration = $"{efd} {control.DangerousGetHandle()}";
            if (CgroupFile.Write(Path.Combine(legacy, "cgroup.event_control"), registration) != 0)
            {
                eventFd.Dispose();
                control.Dispose();
                return null;
            }
            return new CgroupOomWatch(eventFd, Libc.EPOLLIN, control, eventFd: true);
        }
        return null;
    }

    /// <summary>The OOM kills since the last call (re-arms the watch).</summary>
    public unsafe ulong NewKills()
    {
        if (_eventFd)
        {
            ulong drained;
            _ = Libc.EventFdRead(Fd, &drained);   // non-blocking: EAGAIN when nothing was signalled
        }
        ulong count = ReadCount();
        ulong kills = count > _seen ? count - _seen : 0;
        _seen = Math.Max(_seen, count);
        return kills;
    }

    private unsafe ulong ReadCount()
    {
        if (_counter is null)
            return 0;
        byte* buffer = stackalloc byte[512];
        nint n = Libc.Pread(_counter, buffer, 512, 0);
        if (n <= 0)
            return 0;
        string text = Encoding.ASCII.GetString(buffer, (int)n);
        foreach (string line in text.Split('\n'))
            if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && ulong.TryParse(line.AsSpan(9), out ulong value))
                return value;
        return 0;
    }

    public void Dispose()
    {
        Fd.Dispose();
        if (_eventFd)
            _counter?.Dispose();
    }
}
