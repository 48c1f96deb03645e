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
            if (r.ValueTextEquals("errors"u8))
                reply.Errors = ReadStrings(ref r)!;
            else if (r.ValueTextEquals("failures"u8))
                reply.Failures = ReadArray(ref r, ReadFailure)!;
            else if (r.ValueTextEquals("units"u8))
                reply.Units = ReadArray(ref r, ReadUnit)!;
            else
                Skip(ref r);
        }
        End(ref r);
        return reply;
    }

    private static void WriteReply(Utf8JsonWriter w, ControlReply reply)
    {
        w.WriteStartObject();
        WriteStrings(w, "errors"u8, reply.Errors);
        WriteArray(w, "failures"u8, reply.Failures, WriteFailure);
        WriteArray(w, "units"u8, reply.Units, WriteUnit);
        w.WriteEndObject();
    }

    /// <summary>A failed job; the reason as its enum member's name, as a string-enum converter writes it.</summary>
    private static void WriteFailure(Utf8JsonWriter w, JobError error)
    {
        w.WriteStartObject();
        if (error.Unit is not null)
            w.WriteString("unit"u8, error.Unit);
        w.WriteString("failure"u8, Enum.GetName(error.Failure) ?? ((int)error.Failure).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (error.Result is not null)
            w.WriteString("result"u8, error.Result);
        w.WriteEndObject();
    }

    private static JobError ReadFailure(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        string? unit = null, result = null;
        var failure = default(JobFailure);
        while (NextMember(ref r))
        {
            if (r.ValueTextEquals("unit"u8))
                unit = ReadString(ref r);
            else if (r.ValueTextEquals("failure"u8))
                failure = Enum.TryParse(ReadString(ref r), ignoreCase: false, out JobFailure parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : throw new JsonException("Control message: unknown job failure.");
            else if (r.ValueTextEquals("result"u8))
                result = ReadString(ref r);
            else
                Skip(ref r);
        }
        return new JobError(unit!, failure, result);
    }

    private static void WriteUnit(Utf8JsonWriter w, UnitInfo unit)
    {
        w.WriteStartObject();
        if (unit.Id is not null)
            w.WriteString("id"u8, unit.Id);
        WriteArray(w, "properties"u8, unit.Properties, WriteProperty);
        w.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter w, UnitProperty property)
    {
        w.WriteStartObject();
        if (property.Name is not null)
            w.WriteString("name"u8, property.Name);
        if (property.Value is not null)
            w.WriteString("value"u8, property.Value);
        w.WriteEndObject();
    }

    private static UnitInfo ReadUnit(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var unit = new UnitInfo();
        while (NextMember(ref r))
        {
            if (r.ValueTextEquals("id"u8))
                unit.Id = ReadString(ref r)!;
            else if (r.ValueTextEquals("properties"u8))
                unit.Properties = ReadArray(ref r, ReadProperty)!;
            else
                Skip(ref r);
        }
        return unit;
    }

    private static UnitProperty ReadProperty(ref Utf8JsonReader r)
    {
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
        return new UnitProperty(name!, value!);
    }
}
