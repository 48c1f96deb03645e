namespace Summon.Journal;

/// <summary>
/// The bytes of lines one stream (a service's stdout/stderr pipe) has queued in the journal writer and not yet had
/// stored: journald's per-stream buffer. The reader of the stream stops reading once <see cref="IsFull"/> and
/// <see cref="TryPause"/> succeeds, so the flooding service blocks on its own full pipe instead of its lines (or
/// anyone else's) being dropped; the writer thread calls <see cref="Processed"/> as it stores them, and the
/// <c>drained</c> callback (on the writer thread) runs once the backlog is down to <see cref="LowWater"/>.
/// </summary>
internal sealed class JournalBacklog(Action drained)
{
    /// <summary>Bytes a stream may have queued before its reader pauses: memory, not a count of lines, is what the
    /// bound is for.</summary>
    public const int HighWater = 1024 * 1024;

    /// <summary>A paused reader resumes once its stream's queued bytes are down to this.</summary>
    public const int LowWater = 256 * 1024;

    private int pending;
    private int paused;

    /// <summary>Bytes queued and not yet stored (or dropped by the writer).</summary>
    public int Pending => Volatile.Read(ref pending);

    public bool IsFull => Volatile.Read(ref pending) >= HighWater;

    internal void Added(int bytes) => Interlocked.Add(ref pending, bytes);

    /// <summary>
    /// Marks the stream paused unless the writer drained it meanwhile; true when the reader must stop now (the
    /// drained callback will run later), false when it may go on reading.
    /// </summary>
    public bool TryPause()
    {
        Interlocked.Exchange(ref paused, 1);
        if (Volatile.Read(ref pending) > LowWater)
        {
            return true;
        }

        // The writer may already have passed the low-water mark without seeing the pause: take the pause back.
        return Interlocked.Exchange(ref paused, 0) == 0;
    }

    /// <summary>Writer thread: <paramref name="bytes"/> of this stream's lines were stored or dropped.</summary>
    internal void Processed(int bytes)
    {
        if (Interlocked.Add(ref pending, -bytes) <= LowWater && Volatile.Read(ref paused) == 1 && Interlocked.Exchange(ref paused, 0) == 1)
        {
            drained();
        }
    }
}
