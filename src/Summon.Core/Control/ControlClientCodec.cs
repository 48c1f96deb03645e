using System.Buffers;
using System.Text.Json;

namespace Summon.Control;

/// <summary>
/// The CLI's half of the wire format, written with Utf8JsonWriter/Utf8JsonReader: encodes a request to the same bytes
/// <see cref="ControlJsonContext"/> produces (camelCase, declaration order, nulls left out, the default escaping) and
/// decodes the manager's reply as the generated deserializer does (names case-sensitive, unknown members skipped).
/// It exists because the first use of the generated context in a fresh process configures its type metadata (custom
/// attributes read through reflection): ~3.5M instructions, a third of a whole `summon is-active`. The manager keeps
/// the generated context; tests hold both ends to the same bytes.
/// </summary>
internal static class ControlClientCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = LazyDefaultEncoder.Instance };

    public static byte[] Encode(ControlRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("method"u8, request.Method);
            if (request.Units is not null)
                WriteStrings(w, "units"u8, request.Units);
            if (request.Type is not null)
                w.WriteString("type"u8, request.Type);
            w.WriteBoolean("all"u8, request.All);
            w.WriteBoolean("noBlock"u8, request.NoBlock);
            w.WriteNumber("signal"u8, request.Signal);
            if (request.KillWhom is not null)
                w.WriteString("killWhom"u8, request.KillWhom);
            if (request.Properties is not null)
                WriteStrings(w, "properties"u8, request.Properties);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The reply, or null for the JSON literal null. Malformed input throws <see cref="JsonException"/>.</summary>
    public static ControlReply? DecodeReply(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            End(ref r);
            return null;
        }
        Expect(ref r, JsonTokenType.StartObject);
        var reply = new ControlReply();
        while (NextMember(ref r))
        {
            if (r.ValueTextEquals("exitCode"u8))
                reply.ExitCode = ReadInt32(ref r);
            else if (r.ValueTextEquals("errors"u8))
                reply.Errors = ReadStrings(ref r)!;
            else if (r.ValueTextEquals("units"u8))
                reply.Units = ReadUnits(ref r)!;
            else
                Skip(ref r);
        }
        End(ref r);
        return reply;
    }

    /// <summary>Nothing but whitespace may follow the reply's one value.</summary>
    private static void End(ref Utf8JsonReader r)
    {
        if (r.Read())
            throw new JsonException($"Control reply: {r.TokenType} after the end of the reply.");
    }

    private static void WriteStrings(Utf8JsonWriter w, ReadOnlySpan<byte> name, List<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
            w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static List<UnitInfo>? ReadUnits(ref Utf8JsonReader r)
    {
        if (!StartArray(ref r))
            return null;
        var units = new List<UnitInfo>();
        while (NextElement(ref r))
        {
            if (r.TokenType == JsonTokenType.Null)
            {
                units.Add(null!);
                continue;
            }
            Expect(ref r, JsonTokenType.StartObject);
            var unit = new UnitInfo();
            while (NextMember(ref r))
            {
                if (r.ValueTextEquals("id"u8))
                    unit.Id = ReadString(ref r)!;
                else if (r.ValueTextEquals("properties"u8))
                    unit.Properties = ReadProperties(ref r)!;
                else
                    Skip(ref r);
            }
            units.Add(unit);
        }
        return units;
    }

    private static List<UnitProperty>? ReadProperties(ref Utf8JsonReader r)
    {
        if (!StartArray(ref r))
            return null;
        var properties = new List<UnitProperty>();
        while (NextElement(ref r))
        {
            if (r.TokenType == JsonTokenType.Null)
            {
                properties.Add(null!);
                continue;
            }
            Expect(ref r, JsonTokenType.StartObject);
            string? name = null, value = null;
            while (NextMember(ref r))
            {
                if (r.ValueTextEquals("name"u8))
                    name = ReadString(ref r);
                else if (r.ValueTextEquals("value"u8))
                    value = ReadString(ref r);
                else
                    Skip(ref r);
            }
            properties.Add(new UnitProperty(name!, value!));
        }
        return properties;
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader r)
    {
        if (!StartArray(ref r))
            return null;
        var values = new List<string>();
        while (NextElement(ref r))
            values.Add(CurrentString(ref r)!);
        return values;
    }

    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
            throw new JsonException("The control reply ended early.");
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
            throw new JsonException($"Control reply: expected {type}, found {r.TokenType}.");
    }

    /// <summary>Moves to the next member name of the current object; false at its end.</summary>
    private static bool NextMember(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
            return false;
        Expect(ref r, JsonTokenType.PropertyName);
        return true;
    }

    /// <summary>Moves to the next element of the current array; false at its end.</summary>
    private static bool NextElement(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>Reads a member's value that is an array: true at its start, false for null.</summary>
    private static bool StartArray(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
            return false;
        Expect(ref r, JsonTokenType.StartArray);
        return true;
    }

    private static string? ReadString(ref Utf8JsonReader r)
    {
        Next(ref r);
        return CurrentString(ref r);
    }

    private static string? CurrentString(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Control reply: expected a string, found {r.TokenType}."),
    };

    private static int ReadInt32(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int value))
            throw new JsonException($"Control reply: expected a 32-bit integer, found {r.TokenType}.");
        return value;
    }

    private static void Skip(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }
}
