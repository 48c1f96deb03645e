using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Summon.Journal;

/// <summary>
/// Formats one journal line for stdout, as UTF-8 bytes ending in a newline, into a buffer it reuses: a flood costs no
/// string per line. One thread at a time.
/// </summary>
internal sealed class ConsoleLineFormatter(ConsoleLogFormat format, string hostname)
{
    // journalctl writes UTF-8 as is; the default encoder would turn every non-ASCII character into \uXXXX.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> buffer = new(256);
    private readonly byte[] host = Encoding.UTF8.GetBytes(hostname);
    private Utf8JsonWriter? json;

    /// <summary>A line; valid until the next call.</summary>
    public ReadOnlySpan<byte> Format(long timeMicroseconds, string? unit, string identifier, int pid, int priority, ReadOnlySpan<byte> message)
    {
        buffer.ResetWrittenCount();
        if (format == ConsoleLogFormat.Json)
            WriteJson(timeMicroseconds, unit, identifier, pid, priority, message);
        else
            WriteShort(timeMicroseconds, identifier, pid, message);
        Append("\n"u8);
        return buffer.WrittenSpan;
    }

    /// <summary>A manager line given as text.</summary>
    public ReadOnlySpan<byte> Format(JournalEntry entry) =>
        Format((entry.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond, entry.Unit, entry.Identifier, entry.Pid, entry.Priority,
            Encoding.UTF8.GetBytes(entry.Message));

    private void WriteShort(long timeMicroseconds, string identifier, int pid, ReadOnlySpan<byte> message)
    {
        var local = DateTimeOffset.FromUnixTimeMilliseconds(timeMicroseconds / 1000).ToLocalTime();
        var span = buffer.GetSpan(64);
        local.TryFormat(span, out var n, "MMM dd HH:mm:ss", CultureInfo.InvariantCulture);
        buffer.Advance(n);
        Append(" "u8);
        Append(host);
        Append(" "u8);
        span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(identifier.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(identifier, span));
        Append("["u8);
        span = buffer.GetSpan(16);
        Utf8Formatter.TryFormat(pid, span, out n);
        buffer.Advance(n);
        Append("]: "u8);
        Append(message);
    }

    private void WriteJson(long timeMicroseconds, string? unit, string identifier, int pid, int priority, ReadOnlySpan<byte> message)
    {
        if (json is null)
            json = new Utf8JsonWriter(buffer, JsonOptions);
        else
            json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("__REALTIME_TIMESTAMP"u8, timeMicroseconds.ToString(CultureInfo.InvariantCulture));
        json.WriteString("PRIORITY"u8, priority.ToString(CultureInfo.InvariantCulture));
        json.WriteString("_HOSTNAME"u8, host);
        json.WriteString("SYSLOG_IDENTIFIER"u8, identifier);
        json.WriteString("_PID"u8, pid.ToString(CultureInfo.InvariantCulture));
        if (unit is not null)
            json.WriteString(identifier == JournalEntry.ManagerIdentifier ? "UNIT"u8 : "_SYSTEMD_UNIT"u8, unit);
        json.WriteString("MESSAGE"u8, message);
        json.WriteEndObject();
        json.Flush();
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
