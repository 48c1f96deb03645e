using System.Globalization;
using System.Text;

namespace Summon.Manager.Metrics;

/// <summary>
/// One reusable byte buffer for a response: the body is written after a reserved head room, and the HTTP head is put
/// right before it once the body's length is known, so a response goes out as one contiguous span without a copy.
/// Nothing here allocates once the buffer has grown to the page's size.
/// </summary>
internal sealed class ResponseBuffer
{
    /// <summary>Room for the status line and headers, which never need more.</summary>
    private const int HeadRoom = 256;

    private byte[] _bytes = new byte[16 * 1024];
    private int _length = HeadRoom;
    private int _headStart = HeadRoom;

    /// <summary>The body written since <see cref="Clear"/>.</summary>
    public int BodyLength => _length - HeadRoom;

    /// <summary>Head and body, once <see cref="PutHead"/> has run.</summary>
    public ReadOnlySpan<byte> Response => _bytes.AsSpan(_headStart, _length - _headStart);

    /// <summary>The allocated size (the page grows it once; a test reads it to tell growth from per-scrape garbage).</summary>
    public int Capacity => _bytes.Length;

    public void Clear()
    {
        _length = HeadRoom;
        _headStart = HeadRoom;
    }

    public void Append(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        _length += utf8.Length;
    }

    public void Append(byte b)
    {
        Reserve(1)[0] = b;
        _length++;
    }

    public void Append(string text)
    {
        int written = Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
        _length += written;
    }

    public void Append(ulong value)
    {
        value.TryFormat(Reserve(20), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>A sample value as Prometheus reads it: shortest round-trip form, +Inf/-Inf/NaN spelled its way.</summary>
    public void Append(double value)
    {
        if (double.IsPositiveInfinity(value))
            Append("+Inf"u8);
        else if (double.IsNegativeInfinity(value))
            Append("-Inf"u8);
        else if (double.IsNaN(value))
            Append("NaN"u8);
        else
        {
            value.TryFormat(Reserve(32), out int written, "R", CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    /// <summary>A label value: backslash, double quote and newline escaped, as both text formats want.</summary>
    public void AppendLabelValue(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (c is '\\' or '"')
            {
                Append((byte)'\\');
                Append((byte)c);
            }
            else if (c == '\n')
                Append("\\n"u8);
            else if (c < 0x80)
                Append((byte)c);
            else
            {
                if (char.IsSurrogate(c))
                {
                    Append((byte)'?');   // names are ASCII after systemd-escape; a lone surrogate half is not text
                    continue;
                }
                _length += Encoding.UTF8.GetBytes(new ReadOnlySpan<char>(in c), Reserve(4));
            }
        }
    }

    /// <summary>Writes the status line and headers before the body; <see cref="Response"/> is then the whole response.</summary>
    public void PutHead(ReadOnlySpan<byte> statusLine, ReadOnlySpan<byte> contentType, bool keepAlive, bool headOnly)
    {
        Span<byte> head = stackalloc byte[HeadRoom];
        int n = 0;
        void Put(ReadOnlySpan<byte> s, Span<byte> into)
        {
            s.CopyTo(into[n..]);
            n += s.Length;
        }
        Put(statusLine, head);
        Put("\r\nContent-Type: "u8, head);
        Put(contentType, head);
        Put("\r\nContent-Length: "u8, head);
        BodyLength.TryFormat(head[n..], out int digits, default, CultureInfo.InvariantCulture);
        n += digits;
        Put(keepAlive ? "\r\nConnection: keep-alive\r\n\r\n"u8 : "\r\nConnection: close\r\n\r\n"u8, head);
        _headStart = HeadRoom - n;
        head[..n].CopyTo(_bytes.AsSpan(_headStart));
        if (headOnly)
            _length = HeadRoom;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + count));
        return _bytes.AsSpan(_length);
    }
}
