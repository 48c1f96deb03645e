using System.Text.Json;

namespace Summon.Control;

internal static partial class ControlCodec
{
    public static byte[] EncodeReply(ControlReply reply) => Write(reply, WriteReply, line: false);

    /// <summary>The reply as the manager sends it: its JSON and a newline.</summary>
    public static byte[] EncodeReplyLine(ControlReply reply) => Write(reply, WriteReply, line: true);

    /// <summary>The reply, or null for the JSON literal null. Malformed input throws <see cref="JsonException"/>.</summary>
    public static ControlReply? DecodeReply(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        if (!StartMessage(ref r))
            return null;
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

    private static void WriteReply(Utf8JsonWriter w, ControlReply reply)
    {
        w.WriteStartObject();
        w.WriteNumber("exitCode"u8, reply.ExitCode);
        if (reply.Errors is not null)
            WriteStrings(w, "errors"u8, reply.Errors);
        if (reply.Units is not null)
        {
            w.WriteStartArray("units"u8);
            foreach (var unit in reply.Units)
                WriteUnit(w, unit);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteUnit(Utf8JsonWriter w, UnitInfo? unit)
    {
        if (unit is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        if (unit.Id is not null)
            w.WriteString("id"u8, unit.Id);
        if (unit.Properties is not null)
        {
            w.WriteStartArray("properties"u8);
            foreach (var property in unit.Properties)
                WriteProperty(w, property);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter w, UnitProperty? property)
    {
        if (property is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        if (property.Name is not null)
            w.WriteString("name"u8, property.Name);
        if (property.Value is not null)
            w.WriteString("value"u8, property.Value);
        w.WriteEndObject();
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
}
