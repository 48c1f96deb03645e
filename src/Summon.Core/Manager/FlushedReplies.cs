namespace Summon.Manager;

/// <summary>
/// Holds control replies until the journal has committed what their requests logged, so that whatever a request
/// logged can be read as soon as its reply arrives. The flush blocks, so it runs on a pool thread, never the loop, and
/// one at a time: the replies that come while a flush runs share the next one.
/// </summary>
internal sealed class FlushedReplies(Action flush)
{
    private readonly object _gate = new();
    private TaskCompletionSource? _next;
    private bool _flushing;

    /// <summary><paramref name="reply"/>, completing only after a journal flush that began once it was ready.</summary>
    public async Task<T> AfterFlushAsync<T>(Task<T> reply)
    {
        T result = await reply.ConfigureAwait(false);
        await NextFlush().ConfigureAwait(false);
        return result;
    }

    private Task NextFlush()
    {
        lock (_gate)
        {
            // Continuations run on the flushing thread: the control server's only queue the reply for the loop.
            _next ??= new TaskCompletionSource();
            var task = _next.Task;
            if (!_flushing)
            {
                _flushing = true;
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.FlushWhileWaited(), this, preferLocal: false);
            }
            return task;
        }
    }

    private void FlushWhileWaited()
    {
        while (true)
        {
            TaskCompletionSource waiters;
            lock (_gate)
            {
                if (_next is null)
                {
                    _flushing = false;
                    return;
                }
                waiters = _next;
                _next = null;
            }
            try
            {
                flush();
            }
            finally
            {
                waiters.SetResult();
            }
        }
    }
}
