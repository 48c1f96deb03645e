using System.Text;
using Summon.Interop;
using Summon.Journal;

namespace Summon.Manager;

/// <summary>
/// The read end of a pipe that carries a service's stdout or stderr (StandardOutput/Error=journal): each line
/// becomes a journal entry filed under the service's unit. Runs on the event loop; reads are non-blocking.
/// </summary>
internal sealed class OutputCapture : IDisposable
{
    private readonly EventLoop _loop;
    private readonly JournalWriter _journal;
    private readonly string _unit;
    private readonly string _identifier;
    private readonly int _priority;
    private readonly SafeFdHandle _readEnd;
    private readonly List<byte> _partial = [];
    private ulong _token;

    private OutputCapture(EventLoop loop, JournalWriter journal, string unit, string identifier, int priority, SafeFdHandle readEnd)
    {
        _loop = loop;
        _journal = journal;
        _unit = unit;
        _identifier = identifier;
        _priority = priority;
        _readEnd = readEnd;
    }

    public int Pid { get; set; }

    /// <summary>Creates the pipe; returns the capture (owning the read end) and the write end for the child.</summary>
    public static unsafe (OutputCapture Capture, SafeFdHandle WriteEnd) Create(EventLoop loop, JournalWriter journal, string unit, string identifier, int priority)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) < 0)
            throw ErrnoException.FromLast("pipe2");
        var readEnd = new SafeFdHandle(fds[0]);
        var writeEnd = new SafeFdHandle(fds[1]);
        var capture = new OutputCapture(loop, journal, unit, identifier, priority, readEnd);
        capture._token = loop.Register(readEnd, Libc.EPOLLIN, capture.OnReadable);
        return (capture, writeEnd);
    }

    private unsafe void OnReadable(uint events)
    {
        byte* buffer = stackalloc byte[4096];
        while (true)
        {
            nint n = Libc.Read(_readEnd.Fd, buffer, 4096);
            if (n > 0)
            {
                Split(new ReadOnlySpan<byte>(buffer, (int)n));
                continue;
            }
            if (n < 0 && Errno.Last is Errno.EAGAIN or Errno.EINTR)
                return;
            Dispose();   // EOF: every writer (the service and its children) closed the pipe
            return;
        }
    }

    private void Split(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int nl = data.IndexOf((byte)'\n');
            if (nl < 0)
            {
                _partial.AddRange(data);
                if (_partial.Count >= 48 * 1024)   // journald's LineMax= default
                    Emit([]);
                return;
            }
            Emit(data[..nl]);
            data = data[(nl + 1)..];
        }
    }

    private void Emit(ReadOnlySpan<byte> tail)
    {
        string line;
        if (_partial.Count == 0)
        {
            line = Encoding.UTF8.GetString(tail);
        }
        else
        {
            _partial.AddRange(tail);
            line = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial));
            _partial.Clear();
        }
        _journal.Append(new JournalEntry(_loop.Time.GetUtcNow(), _unit, _identifier, Pid, _priority, line));
    }

    public void Dispose()
    {
        if (_readEnd.IsClosed)
            return;
        if (_partial.Count > 0)
            Emit([]);
        _loop.Unregister(_token);
        _readEnd.Dispose();
    }
}
