using System.Buffers;
using System.Buffers.Binary;

namespace Summon.Journal;

/// <summary>
/// A run of one stream's records on their way to the writer thread, kept as the UTF-8 bytes they arrived as in one
/// pooled buffer: a flooding service costs the manager no object per line, so its lines neither survive into the
/// older GC generations while they wait nor leave garbage there once stored (the heap does not grow with the flood),
/// and the writer binds the bytes to SQLite as they are. Each record is its time (microseconds since the epoch), its
/// priority, its length and its bytes. Filled on the event loop, read and returned to the pool on the writer thread;
/// never both at once.
/// </summary>
internal sealed class JournalLineBlock
{
    /// <summary>The first block of a burst: most streams write a line now and then.</summary>
    public const int SmallSize = 4 * 1024;

    /// <summary>Blocks after the first of a burst; a record of <see cref="JournalStreamCapture.LineMax"/> fits one.</summary>
    public const int LargeSize = 64 * 1024;

    private const int HeaderSize = sizeof(long) + sizeof(byte) + sizeof(int);

    private byte[] _buffer;

    public JournalLineBlock(JournalStreamSource source, int capacity)
    {
        Source = source;
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    /// <summary>Who wrote every record of the block (unit, identifier, pid).</summary>
    public JournalStreamSource Source { get; }

    /// <summary>Records in the block.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes the records use: what the block counts against its stream's backlog.</summary>
    public int Size { get; private set; }

    /// <summary>Bytes a block needs to hold a record of <paramref name="length"/> message bytes.</summary>
    public static int SizeOf(int length) => HeaderSize + length;

    /// <summary>Appends a record; false when it does not fit (the block is then handed on and a new one taken).</summary>
    public bool TryAdd(long timeMicroseconds, int priority, ReadOnlySpan<byte> message)
    {
        var size = SizeOf(message.Length);
        if (_buffer.Length - Size < size)
        {
            return false;
        }

        var record = _buffer.AsSpan(Size, size);
        BinaryPrimitives.WriteInt64LittleEndian(record, timeMicroseconds);
        record[sizeof(long)] = (byte)priority;
        BinaryPrimitives.WriteInt32LittleEndian(record[(sizeof(long) + 1)..], message.Length);
        message.CopyTo(record[HeaderSize..]);
        Size += size;
        Count++;
        return true;
    }

    /// <summary>The records in the order they were added.</summary>
    public Enumerator GetEnumerator() => new(_buffer.AsSpan(0, Size));

    /// <summary>Gives the buffer back to the pool; the block is empty and unusable afterwards.</summary>
    public void Return()
    {
        var buffer = _buffer;
        _buffer = [];
        Size = 0;
        Count = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One record of a block.</summary>
    public readonly ref struct Record(long timeMicroseconds, int priority, ReadOnlySpan<byte> message)
    {
        public long TimeMicroseconds { get; } = timeMicroseconds;

        public int Priority { get; } = priority;

        /// <summary>The message, valid UTF-8 (the capture replaced what was not).</summary>
        public ReadOnlySpan<byte> Message { get; } = message;
    }

    public ref struct Enumerator(ReadOnlySpan<byte> records)
    {
        private ReadOnlySpan<byte> _rest = records;

        public Record Current { get; private set; }

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
            {
                return false;
            }

            var time = BinaryPrimitives.ReadInt64LittleEndian(_rest);
            int priority = _rest[sizeof(long)];
            var length = BinaryPrimitives.ReadInt32LittleEndian(_rest[(sizeof(long) + 1)..]);
            Current = new Record(time, priority, _rest.Slice(HeaderSize, length));
            _rest = _rest[(HeaderSize + length)..];
            return true;
        }
    }
}
