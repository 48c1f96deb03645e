using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Summon.Journal;

/// <summary>
/// Turns a service's stdout/stderr (a pipe or socket the manager reads) into journal entries, line by line, the way
/// systemd-journald's stream transport does: a record ends at "\n", at a NUL byte, after <see cref="LineMax"/> bytes or
/// at end of stream; trailing whitespace is cut; with a level prefix, <c>&lt;0&gt;</c>..<c>&lt;7&gt;</c> at the start
/// sets the priority and is removed; records left empty are dropped. Bytes that are not UTF-8 become U+FFFD.
/// </summary>
internal sealed class JournalStreamCapture
{
    /// <summary>journald's default LineMax=: longer lines are split.</summary>
    public const int LineMax = 48 * 1024;

    private readonly IJournalRecordSink _sink;
    private readonly TimeProvider _time;
    private byte[]? _pending;
    private int _filled;

    public JournalStreamCapture(JournalStreamSource source, IJournalRecordSink sink, TimeProvider? timeProvider = null)
    {
        Source = source;
        _sink = sink;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Who the records belong to; the pid may be set once the writer has been spawned.</summary>
    public JournalStreamSource Source { get; set; }

    /// <summary>Takes the next chunk of the stream; emits every record it completes. Allocates only for a partial record.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_filled == 0)
        {
            int consumed = Split(data, Source, _sink, _time);
            Keep(data[consumed..]);
            return;
        }
        Keep(data);
        int used = Split(_pending.AsSpan(0, _filled), Source, _sink, _time);
        _pending.AsSpan(used, _filled - used).CopyTo(_pending);
        _filled -= used;
    }

    /// <summary>The start of a record read but not ended yet.</summary>
    public ReadOnlySpan<byte> Pending => _pending.AsSpan(0, _filled);

    /// <summary>End of stream: the unterminated rest becomes the last record.</summary>
    public void Complete()
    {
        if (_filled > 0)
            Emit(_pending.AsSpan(0, _filled), Source, _sink, _time);
        _filled = 0;
        _pending = null;
    }

    private void Keep(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
            return;
        _pending ??= new byte[LineMax + 4096];
        if (_filled + rest.Length > _pending.Length)
            Array.Resize(ref _pending, _filled + rest.Length);
        rest.CopyTo(_pending.AsSpan(_filled));
        _filled += rest.Length;
    }

    /// <summary>Reads <paramref name="stream"/> to its end (or cancellation), appending one entry per record.</summary>
    public static async Task PumpAsync(Stream stream, JournalStreamSource source, Action<JournalEntry> append, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var capture = new JournalStreamCapture(source, new EntrySink(append), timeProvider);
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            capture.Feed(buffer.AsSpan(0, read));
        capture.Complete();
    }

    /// <summary>Emits every complete record in <paramref name="data"/>; returns how many bytes were consumed.</summary>
    internal static int Split(ReadOnlySpan<byte> data, JournalStreamSource source, IJournalRecordSink sink, TimeProvider time)
    {
        var consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            var end = rest.IndexOfAny((byte)'\n', (byte)0);
            if (end >= 0 && end <= LineMax)
            {
                Emit(rest[..end], source, sink, time);
                consumed += end + 1;
            }
            else if (rest.Length >= LineMax)
            {
                Emit(rest[..LineMax], source, sink, time);
                consumed += LineMax;
            }
            else
            {
                return consumed;
            }
        }
    }

    private static void Emit(ReadOnlySpan<byte> record, JournalStreamSource source, IJournalRecordSink sink, TimeProvider time)
    {
        var priority = source.Priority;
        if (source.LevelPrefix && TryParseLevelPrefix(record, out var prefixed, out var length))
        {
            priority = prefixed;
            record = record[length..];
        }
        if (priority > source.MaxPriority)
            return;

        if (Utf8.IsValid(record))
        {
            EmitValid(record, source, sink, time, priority);
            return;
        }

        // The rare record that is not UTF-8: each invalid sequence becomes U+FFFD, as the decoder does.
        var text = Encoding.UTF8.GetString(record);
        var valid = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            EmitValid(valid.AsSpan(0, Encoding.UTF8.GetBytes(text, valid)), source, sink, time, priority);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(valid);
        }
    }

    private static void EmitValid(ReadOnlySpan<byte> record, JournalStreamSource source, IJournalRecordSink sink, TimeProvider time, int priority)
    {
        // journald strips " \t\n\r" from the end of a record (not from its start); a record left empty is dropped.
        var message = record.TrimEnd(" \t\n\r"u8);
        if (!message.IsEmpty)
        {
            sink.Record(source, time.GetUtcNow(), priority, message);
        }
    }

    /// <summary><c>&lt;N&gt;</c>, <c>&lt;0N&gt;</c> or <c>&lt;00N&gt;</c> with N in 0..7 (no facility, as journald's stream transport).</summary>
    internal static bool TryParseLevelPrefix(ReadOnlySpan<byte> record, out int priority, out int length)
    {
        priority = 0;
        length = 0;
        if (record.Length < 3 || record[0] != (byte)'<')
        {
            return false;
        }

        var close = record[..Math.Min(record.Length, 5)].IndexOf((byte)'>');
        if (close < 2)
        {
            return false;
        }

        var value = 0;
        foreach (var digit in record[1..close])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        if (value > SyslogPriority.Debug)
        {
            return false;
        }

        priority = value;
        length = close + 1;
        return true;
    }

    /// <summary>Each record as a <see cref="JournalEntry"/> (tests, and callers that want objects).</summary>
    private sealed class EntrySink(Action<JournalEntry> append) : IJournalRecordSink
    {
        public void Record(JournalStreamSource source, DateTimeOffset time, int priority, ReadOnlySpan<byte> message) =>
            append(new JournalEntry(time, source.Unit, source.Identifier, source.Pid, priority, Encoding.UTF8.GetString(message)));
    }
}
