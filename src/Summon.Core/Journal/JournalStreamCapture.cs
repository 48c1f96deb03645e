using System.Text;

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

    // journald strips " \t\n\r" from the end of a record (not from its start).
    private static readonly char[] TrailingWhitespace = [' ', '\t', '\n', '\r'];

    private readonly Action<JournalEntry> _append;
    private readonly TimeProvider _time;
    private byte[]? _pending;
    private int _filled;

    public JournalStreamCapture(JournalStreamSource source, Action<JournalEntry> append, TimeProvider? timeProvider = null)
    {
        Source = source;
        _append = append;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Who the records belong to; the pid may be set once the writer has been spawned.</summary>
    public JournalStreamSource Source { get; set; }

    /// <summary>Takes the next chunk of the stream; emits every record it completes. Allocates only for a partial record.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_filled == 0)
        {
            int consumed = Split(data, Source, _append, _time);
            Keep(data[consumed..]);
            return;
        }
        Keep(data);
        int used = Split(_pending.AsSpan(0, _filled), Source, _append, _time);
        _pending.AsSpan(used, _filled - used).CopyTo(_pending);
        _filled -= used;
    }

    /// <summary>End of stream: the unterminated rest becomes the last record.</summary>
    public void Complete()
    {
        if (_filled > 0)
            Emit(_pending.AsSpan(0, _filled), Source, _append, _time);
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
        var capture = new JournalStreamCapture(source, append, timeProvider);
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            capture.Feed(buffer.AsSpan(0, read));
        capture.Complete();
    }

    /// <summary>Emits every complete record in <paramref name="data"/>; returns how many bytes were consumed.</summary>
    internal static int Split(ReadOnlySpan<byte> data, JournalStreamSource source, Action<JournalEntry> append, TimeProvider time)
    {
        var consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            var end = rest.IndexOfAny((byte)'\n', (byte)0);
            if (end >= 0 && end <= LineMax)
            {
                Emit(rest[..end], source, append, time);
                consumed += end + 1;
            }
            else if (rest.Length >= LineMax)
            {
                Emit(rest[..LineMax], source, append, time);
                consumed += LineMax;
            }
            else
            {
                return consumed;
            }
        }
    }

    private static void Emit(ReadOnlySpan<byte> record, JournalStreamSource source, Action<JournalEntry> append, TimeProvider time)
    {
        var priority = source.Priority;
        if (source.LevelPrefix && TryParseLevelPrefix(record, out var prefixed, out var length))
        {
            priority = prefixed;
            record = record[length..];
        }

        var message = Encoding.UTF8.GetString(record).TrimEnd(TrailingWhitespace);
        if (message.Length == 0)
        {
            return;
        }

        append(new JournalEntry(time.GetUtcNow(), source.Unit, source.Identifier, source.Pid, priority, message));
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
}
