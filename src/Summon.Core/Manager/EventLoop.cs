using System.Collections.Concurrent;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager;

/// <summary>
/// The manager's single event loop: fd readiness (listeners, pidfds, pipes), posted work from other threads
/// (control requests) and timers all run here, on one thread, so unit state needs no locks and transitions happen
/// in a deterministic order. Handlers must not block for long; a handler that throws is reported, never fatal.
/// </summary>
internal sealed class EventLoop : IDisposable
{
    private const ulong WakeToken = 0;
    private readonly SafeFdHandle _epoll;
    private readonly SafeFdHandle _wake;
    private readonly Dictionary<ulong, Registration> _registrations = [];
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly PriorityQueue<LoopTimer, long> _timers = new();
    private readonly TimeProvider _time;
    private ulong _nextToken = 1;
    private volatile bool _stopping;

    public EventLoop(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        int ep = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (ep < 0)
            throw ErrnoException.FromLast("epoll_create1");
        _epoll = new SafeFdHandle(ep);
        int ev = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (ev < 0)
            throw ErrnoException.FromLast("eventfd");
        _wake = new SafeFdHandle(ev);
        Add(_wake, Libc.EPOLLIN, WakeToken);
    }

    /// <summary>Called when a handler throws; the loop goes on.</summary>
    public Action<Exception>? UnhandledException { get; set; }

    public TimeProvider Time => _time;

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (EPOLLIN…); returns a token for Unregister.</summary>
    public ulong Register(SafeFdHandle fd, uint events, Action<uint> handler)
    {
        ulong token = _nextToken++;
        _registrations[token] = new Registration(fd, handler);
        Add(fd, events, token);
        return token;
    }

    /// <summary>Watches a registered fd for other <paramref name="events"/> (EPOLLIN to EPOLLOUT and back), keeping its handler.</summary>
    public unsafe void Modify(ulong token, uint events)
    {
        if (!_registrations.TryGetValue(token, out var registration))
            return;
        var ev = new Libc.EpollEvent { Events = events, Data = token };
        if (Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_MOD, registration.Fd, &ev) < 0)
            throw ErrnoException.FromLast("epoll_ctl");
    }

    public unsafe void Unregister(ulong token)
    {
        if (!_registrations.Remove(token, out var registration))
            return;
        if (!registration.Fd.IsClosed)
            Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_DEL, registration.Fd, null);
    }

    /// <summary>Runs <paramref name="action"/> on the loop thread. Safe from any thread.</summary>
    public void Post(Action action)
    {
        _posted.Enqueue(action);
        Libc.EventFdWrite(_wake, 1);
    }

    /// <summary>Runs <paramref name="func"/> on the loop and completes with its result (or exception).</summary>
    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                tcs.SetResult(func());
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        });
        return tcs.Task;
    }

    /// <summary>Calls <paramref name="action"/> on the loop after <paramref name="due"/>; dispose the result to cancel.</summary>
    public IDisposable Schedule(TimeSpan due, Action action) =>
        ScheduleAt(_time.GetTimestamp() + (long)(due.TotalSeconds * _time.TimestampFrequency), action);

    /// <summary>Calls <paramref name="action"/> on the loop once <see cref="Time"/>'s timestamp reaches <paramref name="at"/>.</summary>
    public IDisposable ScheduleAt(long at, Action action)
    {
        var timer = new LoopTimer(action, at);
        _timers.Enqueue(timer, at);
        return timer;
    }

    /// <summary>When a timer made by <see cref="Schedule"/> falls due (a <see cref="Time"/> timestamp); null when it
    /// has run, was cancelled, or is none of ours. A re-exec carries pending timers as these deadlines.</summary>
    public static long? DueOf(IDisposable? timer) => timer is LoopTimer { Cancelled: false, Ran: false } t ? t.Due : null;

    public void Stop()
    {
        _stopping = true;
        Libc.EventFdWrite(_wake, 1);
    }

    /// <summary>Processes events on the calling thread until <see cref="Stop"/>.</summary>
    public void Run()
    {
        // What was posted before the loop runs is the start-up (a re-exec's restore, the boot): it comes before any fd
        // is dispatched, so no event (a READY=1 queued on a carried notify socket) reaches a unit not there yet.
        RunPosted();
        while (!_stopping)
            RunOnce(-1);
    }

    private void RunPosted()
    {
        while (!_stopping && _posted.TryDequeue(out var action))
            Invoke(action);
    }

    /// <summary>
    /// One iteration of the loop on the calling thread: waits for fd readiness at most <paramref name="timeoutMs"/>
    /// (-1: until the next timer is due, or forever without timers), then dispatches the ready fds, the posted work
    /// and the timers that are due by <see cref="Time"/>. <see cref="Run"/> is this in a loop; tests call it directly
    /// to pump the loop while a fake clock decides when timers fire.
    /// </summary>
    internal unsafe void RunOnce(int timeoutMs)
    {
        const int MaxEvents = 64;
        var events = stackalloc Libc.EpollEvent[MaxEvents];
        int next = NextTimeoutMs();
        int wait = timeoutMs < 0 ? next : next < 0 ? timeoutMs : Math.Min(next, timeoutMs);
        int n = Libc.EpollWait(_epoll, events, MaxEvents, wait);
        if (n < 0)
        {
            int err = Errno.Last;
            if (err == Errno.EINTR)
                return;
            throw new ErrnoException("epoll_wait", err);
        }
        for (int i = 0; i < n && !_stopping; i++)
        {
            ulong token = events[i].Data;
            if (token == WakeToken)
            {
                ulong ignored;
                Libc.EventFdRead(_wake, &ignored);
                continue;
            }
            // A handler earlier in this batch may have unregistered this one.
            if (_registrations.TryGetValue(token, out var registration))
                Invoke(registration.Handler, events[i].Events);
        }
        RunPosted();
        RunDueTimers();
    }

    private int NextTimeoutMs()
    {
        if (!_posted.IsEmpty)
            return 0;
        while (_timers.TryPeek(out var timer, out long at))
        {
            if (timer.Cancelled)
            {
                _timers.Dequeue();
                continue;
            }
            long ticks = at - _time.GetTimestamp();
            if (ticks <= 0)
                return 0;
            double ms = Math.Ceiling(ticks * 1000.0 / _time.TimestampFrequency);
            return ms > int.MaxValue ? int.MaxValue : (int)ms;
        }
        return -1;
    }

    private void RunDueTimers()
    {
        long now = _time.GetTimestamp();
        while (_timers.TryPeek(out var timer, out long at) && at <= now)
        {
            _timers.Dequeue();
            if (!timer.Cancelled)
            {
                timer.Ran = true;
                Invoke(timer.Action);
            }
        }
    }

    private void Invoke(Action<uint> handler, uint events)
    {
        try
        {
            handler(events);
        }
        catch (Exception e)
        {
            UnhandledException?.Invoke(e);
        }
    }

    private void Invoke(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            UnhandledException?.Invoke(e);
        }
    }

    private unsafe void Add(SafeFdHandle fd, uint events, ulong token)
    {
        var ev = new Libc.EpollEvent { Events = events, Data = token };
        if (Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_ADD, fd, &ev) < 0)
            throw ErrnoException.FromLast("epoll_ctl");
    }

    public void Dispose()
    {
        _wake.Dispose();
        _epoll.Dispose();
    }

    private sealed record Registration(SafeFdHandle Fd, Action<uint> Handler);

    private sealed class LoopTimer(Action action, long due) : IDisposable
    {
        public Action Action { get; } = action;

        public long Due { get; } = due;

        public bool Ran { get; set; }

        public bool Cancelled { get; private set; }

        public void Dispose() => Cancelled = true;
    }
}
