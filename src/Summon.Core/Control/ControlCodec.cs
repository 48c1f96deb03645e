using System.Buffers;
using System.Text.Json;

namespace Summon.Control;

/// <summary>
/// The wire format of the control protocol, for both ends: one JSON object per line each way, written with
/// Utf8JsonWriter and read with Utf8JsonReader. Written as System.Text.Json's serializer would write these types
/// (camelCase names in declaration order, nulls left out, the default escaping) and read as it would read them (names
/// case-sensitive, unknown members skipped); the tests hold it to a source-generated context's bytes. Not that context
/// itself: its first use in a fresh process configures type metadata through reflection, which a CLI process that
/// lives for one request pays for in full (docs/performance.md, "The control wire format").
/// </summary>
internal static partial class ControlCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = LazyDefaultEncoder.Instance };

    private static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write, bool line)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            write(w, value);
        if (line)
            buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one element of an array; the reader stands on its first token.</summary>
    private delegate T ReadElement<T>(ref Utf8JsonReader r);

    /// <summary>A member whose value is an array, left out when null; a null element is written as JSON null.</summary>
    private static void WriteArray<T>(Utf8JsonWriter w, ReadOnlySpan<byte> name, List<T>? values, Action<Utf8JsonWriter, T> writeElement)
    {
        if (values is null)
            return;
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is null)
                w.WriteNullValue();
            else
                writeElement(w, value);
        }
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, ReadOnlySpan<byte> name, List<string>? values) =>
        WriteArray(w, name, values, static (w, value) => w.WriteStringValue(value));

    /// <summary>A member whose value is an array or null; a JSON null element is read as null.</summary>
    private static List<T>? ReadArray<T>(ref Utf8JsonReader r, ReadElement<T> readElement)
    {
        if (!StartArray(ref r))
            return null;
        var values = new List<T>();
        while (NextElement(ref r))
            values.Add(r.TokenType == JsonTokenType.Null ? default! : readElement(ref r));
        return values;
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader r) => ReadArray(ref r, static (ref Utf8JsonReader r) => CurrentString(ref r)!);

    /// <summary>Reads the one value of a message: false for the JSON literal null, true at the start of an object.</summary>
    private static bool StartMessage(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            End(ref r);
            return false;
        }
        Expect(ref r, JsonTokenType.StartObject);
        return true;
    }

    /// <summary>Nothing but whitespace may follow a message's one value.</summary>
    private static void End(ref Utf8JsonReader r)
    {
        if (r.Read())
            throw new JsonException($"Control message: {r.TokenType} after its end.");
    }

    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
            throw new JsonException("The control message ended early.");
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
            throw new JsonException($"Control message: expected {type}, found {r.TokenType}.");
    }

    /// <summary>Moves to the next member name of the current object; false at its end.</summary>
    private static bool NextMember(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
            return false;
        Expect(ref r, JsonTokenType.PropertyName);
        if (r.ValueIsEscaped)
        {
            try
            {
                r.GetString();   // ValueTextEquals unescapes the same way and throws the same error
            }
            catch (InvalidOperationException e)
            {
                // An escaped half of a surrogate pair: malformed, as the serializer reports it.
                throw new JsonException(e.Message, e);
            }
        }
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

    private static string? CurrentString(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                try
                {
                    return r.GetString();
                }
                catch (InvalidOperationException e)
                {
                    // Text that is not UTF-8: the serializer reports it as malformed JSON too.
                    throw new JsonException(e.Message, e);
                }
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"Control message: expected a string, found {r.TokenType}.");
        }
    }

    private static int ReadInt32(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int value))
            throw new JsonException($"Control message: expected a 32-bit integer, found {r.TokenType}.");
        return value;
    }

    private static bool ReadBoolean(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException($"Control message: expected true or false, found {r.TokenType}."),
        };
    }

    private static void Skip(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }
}
