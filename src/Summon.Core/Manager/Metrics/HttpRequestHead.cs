using System.Text;

namespace Summon.Manager.Metrics;

/// <summary>What the endpoint serves: a path it knows, or not.</summary>
internal enum HttpTarget { Unknown, Metrics, Readyz, Livez }

/// <summary>How a request head ended up: complete, still arriving, or one the endpoint answers with an error and closes.</summary>
internal enum HttpHeadStatus { Complete, Incomplete, Malformed, NotAllowed, HasBody }

/// <summary>
/// The parts of an HTTP/1.x request head the endpoint acts on, read from the bytes without allocating: the method (GET
/// or HEAD), the path, whether OpenMetrics is asked for, and whether the connection stays open afterwards.
/// </summary>
internal readonly record struct HttpRequestHead(HttpHeadStatus Status, int Length, HttpTarget Target, bool HeadOnly, bool OpenMetrics, bool KeepAlive)
{
    /// <summary>Parses a head from the start of <paramref name="bytes"/>; <see cref="Length"/> is the head's length with its blank line.</summary>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0)
            return new(HttpHeadStatus.Incomplete, 0, HttpTarget.Unknown, false, false, false);
        int length = end + 4;
        var lines = bytes[..end];
        int eol = lines.IndexOf("\r\n"u8);
        var requestLine = eol < 0 ? lines : lines[..eol];
        var headers = eol < 0 ? [] : lines[(eol + 2)..];

        int sp1 = requestLine.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : requestLine[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0)
            return Bad(HttpHeadStatus.Malformed, length);
        var method = requestLine[..sp1];
        var target = requestLine.Slice(sp1 + 1, sp2);
        var version = requestLine[(sp1 + 2 + sp2)..];
        if (!version.StartsWith("HTTP/1."u8))
            return Bad(HttpHeadStatus.Malformed, length);
        bool http10 = version.SequenceEqual("HTTP/1.0"u8);
        bool headOnly = method.SequenceEqual("HEAD"u8);
        if (!headOnly && !method.SequenceEqual("GET"u8))
            return Bad(HttpHeadStatus.NotAllowed, length);

        bool keepAlive = !http10, openMetrics = false, body = false;
        while (headers.Length > 0)
        {
            int next = headers.IndexOf("\r\n"u8);
            var line = next < 0 ? headers : headers[..next];
            headers = next < 0 ? [] : headers[(next + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
                return Bad(HttpHeadStatus.Malformed, length);
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (Contains(value, "close"u8))
                    keepAlive = false;
                else if (Contains(value, "keep-alive"u8))
                    keepAlive = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Accept"u8))
                openMetrics = Contains(value, "application/openmetrics-text"u8);
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)
                || (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !value.SequenceEqual("0"u8)))
                body = true;
        }
        if (body)
            return Bad(HttpHeadStatus.HasBody, length);

        int query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        var known = path.SequenceEqual("/metrics"u8) ? HttpTarget.Metrics
            : path.SequenceEqual("/readyz"u8) ? HttpTarget.Readyz
            : path.SequenceEqual("/livez"u8) ? HttpTarget.Livez
            : HttpTarget.Unknown;
        return new(HttpHeadStatus.Complete, length, known, headOnly, openMetrics, keepAlive);
    }

    private static HttpRequestHead Bad(HttpHeadStatus status, int length) => new(status, length, HttpTarget.Unknown, false, false, false);

    private static bool Contains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        Span<byte> lower = stackalloc byte[Math.Min(value.Length, 512)];
        int n = Ascii.ToLower(value[..lower.Length], lower, out int written) == System.Buffers.OperationStatus.Done ? written : 0;
        return lower[..n].IndexOf(token) >= 0;
    }
}
