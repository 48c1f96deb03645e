namespace Summon.Journal;

/// <summary>
/// One captured stream's way into the journal: its records go into a <see cref="JournalLineBlock"/>, handed to the
/// writer when it is full and when the reader has taken what the stream had (<see cref="Flush"/>), counted against
/// the stream's <see cref="JournalBacklog"/>. The first block of each burst is small, the rest large, so a stream
/// that writes a line now and then does not hold a large buffer per line. Used by one thread at a time (the loop).
/// </summary>
internal sealed class JournalLineBuffer(JournalWriter writer, JournalBacklog backlog) : IJournalRecordSink
{
    private JournalLineBlock? _block;

    public JournalBacklog Backlog => backlog;

    public void Record(JournalStreamSource source, DateTimeOffset time, int priority, ReadOnlySpan<byte> message)
    {
        var micros = JournalDatabase.ToMicroseconds(time);
        if (_block is { } block && ReferenceEquals(block.Source, source) && block.TryAdd(micros, priority, message))
        {
            return;
        }

        var next = _block is null ? JournalLineBlock.SmallSize : JournalLineBlock.LargeSize;
        Flush();
        _block = new JournalLineBlock(source, Math.Max(next, JournalLineBlock.SizeOf(message.Length)));
        _block.TryAdd(micros, priority, message);
    }

    /// <summary>Hands the records gathered so far to the writer.</summary>
    public void Flush()
    {
        if (_block is { } block)
        {
            _block = null;
            writer.Append(block, backlog);
        }
    }
}
