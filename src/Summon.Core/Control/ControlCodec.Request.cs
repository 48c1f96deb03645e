using System.Text.Json;

namespace Summon.Control;

internal static partial class ControlCodec
{
    public static byte[] EncodeRequest(ControlRequest request) => Write(request, WriteRequest, line: false);

    /// <summary>The request as the client sends it: its JSON and a newline.</summary>
    public static byte[] EncodeRequestLine(ControlRequest request) => Write(request, WriteRequest, line: true);

    /// <summary>The request, or null for the JSON literal null. Malformed input throws <see cref="JsonException"/>.</summary>
    public static ControlRequest? DecodeRequest(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        if (!StartMessage(ref r))
            return null;
        var request = new ControlRequest();
        while (NextMember(ref r))
        {
            if (r.ValueTextEquals("method"u8))
                request.Method = ReadString(ref r)!;
            else if (r.ValueTextEquals("units"u8))
                request.Units = ReadStrings(ref r)!;
            else if (r.ValueTextEquals("types"u8))
                request.Types = ReadStrings(ref r);
            else if (r.ValueTextEquals("states"u8))
                request.States = ReadStrings(ref r);
            else if (r.ValueTextEquals("all"u8))
                request.All = ReadBoolean(ref r);
            else if (r.ValueTextEquals("noBlock"u8))
                request.NoBlock = ReadBoolean(ref r);
            else if (r.ValueTextEquals("signal"u8))
                request.Signal = ReadInt32(ref r);
            else if (r.ValueTextEquals("killWhom"u8))
                request.KillWhom = ReadString(ref r);
            else if (r.ValueTextEquals("jobMode"u8))
                request.JobMode = ReadString(ref r);
            else if (r.ValueTextEquals("properties"u8))
                request.Properties = ReadStrings(ref r);
            else if (r.ValueTextEquals("binary"u8))
                request.Binary = ReadString(ref r);
            else
                Skip(ref r);
        }
        End(ref r);
        return request;
    }

    private static void WriteRequest(Utf8JsonWriter w, ControlRequest request)
    {
        w.WriteStartObject();
        if (request.Method is not null)
            w.WriteString("method"u8, request.Method);
        WriteStrings(w, "units"u8, request.Units);
        WriteStrings(w, "types"u8, request.Types);
        WriteStrings(w, "states"u8, request.States);
        w.WriteBoolean("all"u8, request.All);
        w.WriteBoolean("noBlock"u8, request.NoBlock);
        w.WriteNumber("signal"u8, request.Signal);
        if (request.KillWhom is not null)
            w.WriteString("killWhom"u8, request.KillWhom);
        WriteStrings(w, "properties"u8, request.Properties);
        if (request.JobMode is not null)
            w.WriteString("jobMode"u8, request.JobMode);
        if (request.Binary is not null)
            w.WriteString("binary"u8, request.Binary);
        w.WriteEndObject();
    }
}
