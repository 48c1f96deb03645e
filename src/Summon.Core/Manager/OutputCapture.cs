using Summon.Interop;
using Summon.Journal;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>
/// The read end of a pipe that carries a service's stdout or stderr (StandardOutput/Error=journal): its records
/// become journal entries filed under the service's unit, split the way journald splits a stream. Runs on the
/// event loop; reads are non-blocking and the pipe is dropped at EOF, when every writer has closed it.
/// </summary>
/// <remarks>
/// Back-pressure, as journald's stream buffers: once the stream's lines queued in the journal reach
/// <see cref="JournalBacklog.HighWater"/>, the pipe leaves the loop's interest set until the writer has stored them
/// down to the low-water mark; meanwhile the service blocks on its own full pipe, and nobody's lines are dropped.
/// One wake-up reads at most <see cref="ReadsPerWake"/> chunks, so a service that writes as fast as the journal
/// stores does not keep the loop from everything else.
/// </remarks>
internal sealed class OutputCapture : IDisposable
{
    private readonly EventLoop _loop;
    private readonly SafeFdHandle _readEnd;
    private const int ChunkSize = 16 * 1024;
    private const int ReadsPerWake = 16;

    private readonly JournalStreamCapture _records;
    private readonly JournalLineBuffer _lines;
    private readonly JournalBacklog _backlog;
    private readonly OutputCaptures? _live;
    private ulong _token;
    private bool _attached;

    private OutputCapture(EventLoop loop, SafeFdHandle readEnd, JournalWriter journal, JournalStreamSource source, OutputCaptures? live)
    {
        _loop = loop;
        _readEnd = readEnd;
        _live = live;
        // The writer thread calls this once the backlog has drained; reading resumes on the loop.
        _backlog = new JournalBacklog(() => _loop.Post(Resume));
        _lines = new JournalLineBuffer(journal, _backlog);
        _records = new JournalStreamCapture(source, _lines, loop.Time);
    }

    /// <summary>
    /// Creates the pipe; returns the capture (owning the read end) and the write end for the child. Nothing is read
    /// before <see cref="Attach"/>: what the child writes meanwhile waits in the pipe.
    /// </summary>
    public static (OutputCapture Capture, SafeFdHandle WriteEnd) Create(EventLoop loop, JournalWriter journal, JournalStreamSource source, OutputCaptures? live = null)
    {
        // Both ends non-blocking from pipe2 (one call); the spawner makes the child's end blocking, as for any stdio.
        var (readEnd, writeEnd) = ChildStdio.CreatePipe(nonBlocking: true);
        return (new OutputCapture(loop, readEnd, journal, source, live), writeEnd);
    }

    /// <summary>
    /// A capture a re-exec carried: <paramref name="readEnd"/> is the pipe's read end it held, <paramref name="pending"/>
    /// the start of a line it had read; reading goes on at once, filed under the source's pid.
    /// </summary>
    public static OutputCapture Restore(EventLoop loop, JournalWriter journal, JournalStreamSource source, SafeFdHandle readEnd, ReadOnlySpan<byte> pending, OutputCaptures? live)
    {
        var capture = new OutputCapture(loop, readEnd, journal, source, live);
        capture._records.Feed(pending);
        capture.Attach(source.Pid);
        return capture;
    }

    /// <summary>Who the records are filed under.</summary>
    internal JournalStreamSource Source => _records.Source;

    /// <summary>The pipe's read end (a re-exec carries it).</summary>
    internal SafeFdHandle ReadEnd => _readEnd;

    /// <summary>The part of a line read but not ended yet.</summary>
    internal ReadOnlySpan<byte> Pending => _records.Pending;

    /// <summary>Hands the lines read so far to the journal writer (before a re-exec, which carries only the pipe and the partial line).</summary>
    internal void FlushLines() => _lines.Flush();

    // The neighbours in OutputCaptures' list of live captures.
    internal OutputCapture? Next { get; set; }

    internal OutputCapture? Previous { get; set; }
    /// <summary>True while reading is paused for the journal to catch up.</summary>
    internal bool IsPaused => _attached && _token == 0 && !_readEnd.IsClosed;

    /// <summary>Files the records under the writer's pid and starts reading: called once the child exists, so that
    /// the registration is not on the way from accept to the child's start.</summary>
    public void Attach(int pid)
    {
        _records.Source = _records.Source with { Pid = pid };
        _attached = true;
        _token = _loop.Register(_readEnd, Libc.EPOLLIN, OnReadable);
        _live?.Add(this);
    }

    private unsafe void OnReadable(uint events)
    {
        byte* buffer = stackalloc byte[ChunkSize];
        for (int reads = 0; reads < ReadsPerWake; reads++)
        {
            if (_backlog.IsFull && _backlog.TryPause())
            {
                _loop.Unregister(_token);
                _token = 0;
                break;
            }
            nint n = Libc.Read(_readEnd, buffer, ChunkSize);
            if (n > 0)
            {
                _records.Feed(new ReadOnlySpan<byte>(buffer, (int)n));
                if (n < ChunkSize)
                    break;   // the pipe is empty for now: no need to ask again for EAGAIN
                continue;
            }
            if (n < 0 && Errno.Last == Errno.EAGAIN)   // the import retries EINTR itself
                break;
            Dispose();
            return;
        }
        _lines.Flush();
    }

    private void Resume()
    {
        if (_readEnd.IsClosed || _token != 0)
            return;
        _token = _loop.Register(_readEnd, Libc.EPOLLIN, OnReadable);
    }

    public void Dispose()
    {
        if (_readEnd.IsClosed)
            return;
        _live?.Remove(this);
        _records.Complete();
        _lines.Flush();
        if (_token != 0)
            _loop.Unregister(_token);
        _token = 0;
        _readEnd.Dispose();
    }
}
