namespace Summon.Journal;

/// <summary>Where <see cref="JournalStreamCapture"/> puts the records it splits off a stream.</summary>
internal interface IJournalRecordSink
{
    /// <summary>One record: <paramref name="message"/> is valid UTF-8, trimmed, not empty, and only valid during the call.</summary>
    void Record(JournalStreamSource source, DateTimeOffset time, int priority, ReadOnlySpan<byte> message);
}
