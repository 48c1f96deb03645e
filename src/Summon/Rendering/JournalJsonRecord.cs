using System.Text.Json.Serialization;

namespace Summon.Cli.Rendering;

/// <summary>One <c>-o json</c> line; property order is output order.</summary>
internal sealed class JournalJsonRecord
{
    [JsonPropertyName("__CURSOR")]
    public required string Cursor { get; init; }

    [JsonPropertyName("__REALTIME_TIMESTAMP")]
    public required string RealtimeTimestamp { get; init; }

    [JsonPropertyName("_HOSTNAME")]
    public required string Hostname { get; init; }

    [JsonPropertyName("PRIORITY")]
    public required string Priority { get; init; }

    [JsonPropertyName("SYSLOG_IDENTIFIER")]
    public required string SyslogIdentifier { get; init; }

    [JsonPropertyName("_PID")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pid { get; init; }

    [JsonPropertyName("UNIT")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Unit { get; init; }

    [JsonPropertyName("_SYSTEMD_UNIT")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SystemdUnit { get; init; }

    [JsonPropertyName("MESSAGE")]
    public required string Message { get; init; }
}

[JsonSerializable(typeof(JournalJsonRecord))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
