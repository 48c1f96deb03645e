using System.Text;

namespace Summon.Journal;

/// <summary>
/// Turns a service's stdout/stderr (a pipe or socket the manager reads) into journal entries, line by line, the way
/// systemd-journald's stream transport does: a record ends at "\n", at a NUL byte, after <see cref="LineMax"/> bytes or
/// at end of stream; trailing whitespace is cut; with a level prefix, <c>&lt;0&gt;</c>..<c>&lt;7&gt;</c> at the start
/// sets the priority and is removed; records left empty are dropped. Bytes that are not UTF-8 become U+FFFD.
/// </summary>
public static class JournalStreamCapture
{
    /// <summary>journald's default LineMax=: longer lines are split.</summary>
    public const int LineMax = 48 * 1024;

    // journald strips " \t\n\r" from the end of a record (not from its start).
    private static readonly char[] TrailingWhitespace = [' ', '\t', '\n', '\r'];

    /// <summary>Reads <paramref name="stream"/> to its end (or cancellation), appending one entry per record.</summary>
    public static async Task PumpAsync(Stream stream, JournalStreamSource source, Action<JournalEntry> append, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(append);
        var time = timeProvider ?? TimeProvider.System;
        var buffer = new byte[LineMax + 4096];
        var filled = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled > 0)
                {
                    Emit(buffer.AsSpan(0, filled), source, append, time);
                }

                return;
            }

            filled += read;
            var consumed = Split(buffer.AsSpan(0, filled), source, append, time);
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }
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
