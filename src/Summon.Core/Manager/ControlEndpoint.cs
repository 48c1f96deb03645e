using Summon.Control;
using Summon.Interop;

namespace Summon.Manager;

/// <summary>
/// The manager's end of the control socket, served on the event loop: the loop watches the server and keeps its
/// deadlines, and each request runs on the loop (the only thread that touches manager state) through the
/// <see cref="ControlDispatcher"/>. No thread is held while a job runs: its reply is written when it completes.
/// </summary>
internal sealed class ControlEndpoint : IControlHandler, IDisposable
{
    private readonly EventLoop _loop;
    private readonly ControlDispatcher _dispatcher;
    private readonly FlushedReplies _flushed;
    private readonly ControlServer _server;
    private readonly ulong _token;
    private IDisposable? _deadlineTimer;
    private long _deadlineAt;

    /// <summary>
    /// Binds the control socket at <paramref name="path"/> (as <see cref="ControlServer.Start"/>, and throws what it
    /// throws) and has <paramref name="loop"/> serve it. <paramref name="flushJournal"/> runs, off the loop, before
    /// replies are written (the daemon flushes its journal). Call on the loop's thread before it runs, and dispose
    /// there after it stopped.
    /// </summary>
    public ControlEndpoint(string path, uint ownUid, EventLoop loop, ControlDispatcher dispatcher, Action flushJournal, SafeFdHandle? carried = null)
    {
        _loop = loop;
        _dispatcher = dispatcher;
        _flushed = new FlushedReplies(flushJournal);
        // A re-exec's carried listener is served as it is when it is still a stream socket bound to this path.
        var listener = carried is null ? null : Sockets.ListeningSocket.Adopt(carried, Posix.ListenAddress.UnixPath(path), Posix.SocketKind.Stream, sameAddress: true, out _);
        if (listener is null)
            carried?.Dispose();
        _server = ControlServer.Start(path, ownUid, this, loop.Time, listener);
        try
        {
            _token = loop.Register(_server.Handle, Libc.EPOLLIN, _ => OnReady());
        }
        catch
        {
            _server.Dispose();
            throw;
        }
    }

    /// <summary>Clients held now.</summary>
    public int Clients => _server.Clients;

    /// <summary>Stops or resumes accepting (<see cref="ControlServer.Accepting"/>).</summary>
    public void Accepting(bool on) => _server.Accepting(on);

    /// <summary>The listening socket, which a re-exec carries.</summary>
    public SafeFdHandle ListenerHandle => _server.ListenerHandle;

    public Task<ControlReply> HandleAsync(ControlRequest request) => _flushed.AfterFlushAsync(_dispatcher.HandleAsync(request));

    private void OnReady()
    {
        _server.OnReady();
        ArmDeadlineTimer();
    }

    /// <summary>One loop timer, for the server's next deadline (moved earlier when an earlier one comes).</summary>
    private void ArmDeadlineTimer()
    {
        if (_server.NextDeadline is not { } due)
            return;
        long at = _loop.Time.GetTimestamp() + (long)(due.TotalSeconds * _loop.Time.TimestampFrequency);
        if (_deadlineTimer is not null && _deadlineAt <= at)
            return;
        _deadlineTimer?.Dispose();
        _deadlineAt = at;
        _deadlineTimer = _loop.Schedule(due, () =>
        {
            _deadlineTimer = null;
            _server.ExpireDeadlines();
            ArmDeadlineTimer();
        });
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _loop.Unregister(_token);
        _server.Dispose();
    }
}
