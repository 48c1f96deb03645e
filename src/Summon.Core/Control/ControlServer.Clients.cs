using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Control;

/// <summary>The clients: admission and the bound, each client's phases, deadlines, and who gives way.</summary>
internal sealed partial class ControlServer
{
    private readonly Dictionary<ulong, ControlConnection> _clients = [];

    // The clients the server waits on (reading their request or writing their reply), oldest deadline first: every
    // deadline is set to now + RequestDeadline, so appending keeps the order.
    private readonly LinkedList<ControlConnection> _waiting = new();

    // Replies the handler finished on another thread, for the owner's thread to write (the lock also orders them
    // against Dispose closing the eventfd that announces them).
    private readonly Queue<(ControlConnection Client, byte[] Reply, Action? AfterSent)> _finished = new();

    private ulong _nextToken = WakeToken + 1;
    private long _acceptPausedUntil;

    /// <summary>Clients held now, in any phase.</summary>
    public int Clients => _clients.Count;

    /// <summary>
    /// Stops or resumes accepting; while stopped, new clients wait in the listen backlog (a re-exec's new image accepts
    /// them) and the clients held are served to the end.
    /// </summary>
    public void Accepting(bool on)
    {
        _acceptingOff = !on;
        if (!_disposed)
            Watch(_epoll, _listener.Handle, on ? Libc.EPOLLIN : 0, ListenerToken, Libc.EPOLL_CTL_MOD);
    }

    private bool _acceptingOff;

    /// <summary>How long until <see cref="ExpireDeadlines"/> has something to do; null when no deadline runs.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            long? due = _waiting.First?.Value.Deadline;
            if (_acceptPausedUntil != 0)
                due = Math.Min(due ?? long.MaxValue, _acceptPausedUntil);
            if (due is not { } at || _disposed)
                return null;
            var left = _time.GetElapsedTime(_time.GetTimestamp(), at);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Closes the clients whose deadline has passed (telling those still sending their request why), and resumes a paused accept.</summary>
    public void ExpireDeadlines()
    {
        if (_disposed)
            return;
        long now = _time.GetTimestamp();
        while (_waiting.First?.Value is { } client && client.Deadline <= now)
            TurnAway(client, ControlRefusals.DeadlinePassed(RequestDeadline));
        if (_acceptPausedUntil != 0 && _acceptPausedUntil <= now)
        {
            _acceptPausedUntil = 0;
            if (!_acceptingOff)
                Watch(_epoll, _listener.Handle, Libc.EPOLLIN, ListenerToken, Libc.EPOLL_CTL_MOD);
        }
    }

    /// <summary>Accepts what is pending (a bounded batch: the set is level-triggered and reports the rest).</summary>
    private unsafe void AcceptPending()
    {
        for (int i = 0; i < 16 && !_disposed; i++)
        {
            int fd = Libc.Accept4(_listener.Handle, null, null, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK);
            if (fd >= 0)
            {
                Admit(new ControlConnection(new SafeFdHandle(fd), _nextToken++));
                continue;
            }
            int errno = Errno.Last;
            if (errno == Errno.ECONNABORTED)
                continue;
            if (errno == Errno.EAGAIN)
                return;
            // Out of fds: the client waited on longest gives its fd back. Otherwise (no such client, out of memory)
            // accepting pauses, since the listener stays readable and the loop would spin on it.
            if ((errno == Errno.EMFILE || errno == Errno.ENFILE) && _waiting.First?.Value is { } oldest)
            {
                TurnAway(oldest, ControlRefusals.GaveWay(MaxClients));
                continue;
            }
            _acceptPausedUntil = _time.GetTimestamp() + Ticks(AcceptBackoff);
            Watch(_epoll, _listener.Handle, 0, ListenerToken, Libc.EPOLL_CTL_MOD);
            return;
        }
    }

    private void Admit(ControlConnection client)
    {
        if (!(PeerCredentials.TryRead(client.Handle, out var peer) && (peer.Uid == 0 || peer.Uid == _ownUid)))
        {
            Refuse(client, ControlRefusals.AccessDenied);
            return;
        }
        if (_clients.Count >= MaxClients)
        {
            if (_waiting.First?.Value is not { } oldest)
            {
                Refuse(client, ControlRefusals.Busy(MaxClients));
                return;
            }
            TurnAway(oldest, ControlRefusals.GaveWay(MaxClients));
        }
        try
        {
            Watch(_epoll, client.Handle, Libc.EPOLLIN, client.Token, Libc.EPOLL_CTL_ADD);
        }
        catch (ErrnoException)
        {
            client.Dispose();   // out of memory or epoll watches: this client alone goes
            return;
        }
        _clients.Add(client.Token, client);
        WaitOn(client, ControlConnectionPhase.Reading);
        Receive(client);   // a CLI has usually sent its whole request by the time it is accepted
    }

    private void Receive(ControlConnection client)
    {
        if (!client.TryReceive(out var request))
            Close(client);
        else if (request is not null)
            Dispatch(client, request);
    }

    /// <summary>Hands the request to the handler; its reply is written when its task completes, on whatever thread that is.</summary>
    private void Dispatch(ControlConnection client, ControlRequest request)
    {
        StopWaiting(client);
        client.Phase = ControlConnectionPhase.Handling;
        if (!TryWatch(client, 0))
            return;
        Task<ControlReply> reply;
        try
        {
            reply = _handler.HandleAsync(request);
        }
        catch (Exception e)
        {
            reply = Task.FromException<ControlReply>(e);
        }
        if (reply.IsCompleted)
        {
            Write(client, Encode(reply, request.Method), AfterSent(reply));
            return;
        }
        reply.ContinueWith(
            static (task, state) =>
            {
                var (server, client, method) = ((ControlServer, ControlConnection, string))state!;
                server.Finish(client, Encode(task, method), AfterSent(task));
            },
            (this, client, request.Method),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static Action? AfterSent(Task<ControlReply> reply) => reply.IsCompletedSuccessfully ? reply.Result.AfterSent : null;

    private static byte[] Encode(Task<ControlReply> reply, string method) => ControlCodec.EncodeReplyLine(reply.IsCompletedSuccessfully
        ? reply.Result
        : new ControlReply { Errors = { $"Failed to {method}: {reply.Exception?.InnerException?.Message ?? "the request was cancelled"}" } });

    /// <summary>From any thread: queues a finished reply for the owner's thread and wakes it.</summary>
    private void Finish(ControlConnection client, byte[] reply, Action? afterSent)
    {
        lock (_finished)
        {
            if (_disposed)
                return;
            _finished.Enqueue((client, reply, afterSent));
            Libc.EventFdWrite(_wake, 1);
        }
    }

    private void WriteFinishedReplies()
    {
        while (true)
        {
            (ControlConnection Client, byte[] Reply, Action? AfterSent) finished;
            lock (_finished)
            {
                if (!_finished.TryDequeue(out finished))
                    return;
            }
            if (_clients.TryGetValue(finished.Client.Token, out var client) && client.Phase == ControlConnectionPhase.Handling)
                Write(client, finished.Reply, finished.AfterSent);
        }
    }

    private void Write(ControlConnection client, byte[] reply, Action? afterSent)
    {
        client.SetReply(reply);
        client.AfterSent = afterSent;
        WaitOn(client, ControlConnectionPhase.Writing);
        if (Send(client))
            TryWatch(client, Libc.EPOLLOUT);
    }

    /// <summary>Changes what is watched on a client's socket; a client whose change fails is closed (never an error on the loop).</summary>
    private bool TryWatch(ControlConnection client, uint events)
    {
        try
        {
            Watch(_epoll, client.Handle, events, client.Token, Libc.EPOLL_CTL_MOD);
            return true;
        }
        catch (ErrnoException)
        {
            Close(client);
            return false;
        }
    }

    /// <summary>Writes what the client takes; true while some of the reply is left.</summary>
    private bool Send(ControlConnection client)
    {
        bool done;
        try
        {
            done = client.TrySend();
        }
        catch (ErrnoException)
        {
            done = true;   // the client went away: nobody to answer
        }
        if (done)
            Close(client);
        return !done;
    }

    private void WaitOn(ControlConnection client, ControlConnectionPhase phase)
    {
        StopWaiting(client);
        client.Phase = phase;
        client.Deadline = _time.GetTimestamp() + Ticks(RequestDeadline);
        client.Waiting = _waiting.AddLast(client);
    }

    private void StopWaiting(ControlConnection client)
    {
        if (client.Waiting is { } node)
            _waiting.Remove(node);
        client.Waiting = null;
    }

    /// <summary>Closes a client the server waits on; one still sending its request is told <paramref name="why"/> first.</summary>
    private void TurnAway(ControlConnection client, string why)
    {
        if (client.Phase == ControlConnectionPhase.Reading)
            client.SendLine(ErrorLine(why));
        Close(client);
    }

    /// <summary>Turns away a client that was never admitted.</summary>
    private static void Refuse(ControlConnection client, string why)
    {
        client.SendLine(ErrorLine(why));
        client.Dispose();
    }

    private unsafe void Close(ControlConnection client)
    {
        StopWaiting(client);
        _clients.Remove(client.Token);
        // Deregistered explicitly: a child between clone and execve still shares the fd, which keeps it in the set.
        Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_DEL, client.Handle, null);
        client.Dispose();
        var afterSent = client.AfterSent;
        client.AfterSent = null;
        afterSent?.Invoke();
    }

    private static byte[] ErrorLine(string error) => ControlCodec.EncodeReplyLine(new ControlReply { Errors = { error } });

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
