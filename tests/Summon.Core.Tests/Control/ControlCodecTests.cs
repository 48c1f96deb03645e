using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Summon.Control;

namespace Summon.Core.Tests.Control;

/// <summary>The codec both ends use, against the source-generated serializer: same bytes out, same objects in.</summary>
public class ControlCodecTests
{
    private static string Generated(ControlRequest request)
        => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest));

    private static string Generated(ControlReply? reply)
        => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(reply, ControlJsonContext.Default.ControlReply!));

    [Theory]
    [InlineData("Show", "x.socket", null, null, """{"method":"Show","units":["x.socket"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("ListUnits", null, "socket", null, """{"method":"ListUnits","units":[],"types":["socket"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Kill", "a@b-c_d:e.service", null, "main", """{"method":"Kill","units":["a@b-c_d:e.service"],"all":false,"noBlock":false,"signal":0,"killWhom":"main"}""")]
    [InlineData("Show", "q\"uote.service", null, null, """{"method":"Show","units":["q\u0022uote.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "back\\slash\n\t\u0001.service", null, null, """{"method":"Show","units":["back\\slash\n\t\u0001.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "<&'+`>.service", null, null, """{"method":"Show","units":["\u003C\u0026\u0027\u002B\u0060\u003E.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "caf\u00e9-\u4e2d-\U0001F600\u007f.service", null, null, """{"method":"Show","units":["caf\u00E9-\u4E2D-\uD83D\uDE00\u007F.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Sh\u2028ow", "plain ~/=,:.service", "t\"", "w\\", """{"method":"Sh\u2028ow","units":["plain ~/=,:.service"],"types":["t\u0022"],"all":false,"noBlock":false,"signal":0,"killWhom":"w\\"}""")]
    public void Encode_writes_the_generators_bytes(string method, string? unit, string? type, string? killWhom, string expected)
    {
        var request = new ControlRequest { Method = method, Units = unit is null ? [] : [unit], Types = type is null ? null : [type], KillWhom = killWhom };
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request)));
    }

    [Fact]
    public void Encode_writes_flags_numbers_and_several_units_like_the_generator()
    {
        var request = new ControlRequest { Method = "Stop", Units = ["a.service", "b.socket", ""], All = true, NoBlock = true, Signal = -15 };
        const string expected = """{"method":"Stop","units":["a.service","b.socket",""],"all":true,"noBlock":true,"signal":-15}""";
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request)));
    }

    [Fact]
    public void Encode_writes_the_wanted_properties_like_the_generator()
    {
        var request = new ControlRequest { Method = "Show", Units = ["a.service"], Properties = ["ActiveState", "Sub\"State"] };
        const string expected = """{"method":"Show","units":["a.service"],"all":false,"noBlock":false,"signal":0,"properties":["ActiveState","Sub\u0022State"]}""";
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request)));
    }

    [Fact]
    public void Encode_leaves_out_null_units_like_the_generator()
    {
        var request = new ControlRequest { Method = "Ping", Units = null! };
        Assert.Equal("""{"method":"Ping","all":false,"noBlock":false,"signal":0}""", Generated(request));
        Assert.Equal(Generated(request), Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request)));
    }

    [Fact]
    public void Every_plain_character_is_one_the_default_encoder_leaves_alone()
    {
        int plain = 0;
        for (int c = 0; c < 0x80; c++)
        {
            if (!LazyDefaultEncoder.IsPlain(c))
                continue;
            plain++;
            Assert.False(JavaScriptEncoder.Default.WillEncode(c), $"U+{c:X4}");
        }
        Assert.Equal(26 + 26 + 10 + 10, plain);
        for (int c = 0x80; c < 0x10000; c++)
            Assert.False(LazyDefaultEncoder.IsPlain(c));
    }

    [Fact]
    public void Every_ascii_character_alone_encodes_as_the_default_encoder_does()
    {
        for (int c = 0; c < 0x80; c++)
        {
            var request = new ControlRequest { Method = "Show", Units = [$"a{(char)c}b"] };
            Assert.Equal(Generated(request), Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request)));
        }
    }

    public static TheoryData<string> Replies => new()
    {
        """{"errors":[],"failures":[],"units":[]}""",
        """{"errors":["Unknown method 'X'.","b\u0022\\\n\u00E9\uD83D\uDE00"],"failures":[{"unit":"x.service","failure":"NotFound"},{"unit":"y.service","failure":"UnitFailed","result":"timeout"}],"units":[{"id":"x.socket","properties":[{"name":"Id","value":"x.socket"},{"name":"ActiveState","value":"active"},{"name":"Empty","value":""}]}]}""",
        // members in another order, unknown members of every kind skipped, whitespace
        """ { "units" : [ { "extra" : {"a":[1,{"b":null}]}, "properties" : [ { "value" : "v", "more": [true, false], "name" : "N" } ], "id" : "y.service" } ], "unknown" : 12.5e3, "errors" : [ ], "failures" : [ { "result" : "exit-code", "x" : [1], "failure" : "Canceled", "unit" : "z" } ] } """,
        // case-sensitive names: "Errors" and "ID" are unknown members
        """{"Errors":["no"],"errors":[],"units":[{"ID":"no","id":"z.service","properties":[]}]}""",
        // nulls
        """{"errors":null,"failures":null,"units":null}""",
        """{"errors":[null],"failures":[null,{"unit":null,"failure":"Masked","result":null}],"units":[{"id":null,"properties":null},null]}""",
        """{"errors":[],"units":[{"id":"a","properties":[{"name":null,"value":null},null,{}]}]}""",
        """{}""",
        """null""",
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void DecodeReply_reads_what_the_generator_reads(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var expected = JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlReply);
        var actual = ControlCodec.DecodeReply(bytes);
        Assert.Equal(Generated(expected), Generated(actual));
    }

    [Fact]
    public void DecodeReply_reads_every_value()
    {
        var reply = ControlCodec.DecodeReply("""{"errors":["e1","e\u00222"],"failures":[{"unit":"a.service","failure":"UnitFailed","result":"timeout"}],"units":[{"id":"x.socket","properties":[{"name":"ActiveState","value":"active"},{"name":"Listen","value":"a"},{"name":"Listen","value":"b"}]}]}"""u8)!;
        Assert.Equal(["e1", "e\"2"], reply.Errors);
        Assert.Equal(new JobError("a.service", JobFailure.UnitFailed, "timeout"), Assert.Single(reply.Failures));
        var unit = Assert.Single(reply.Units);
        Assert.Equal("x.socket", unit.Id);
        Assert.Equal("active", unit.Get("ActiveState"));
        Assert.Equal(["a", "b"], unit.GetAll("Listen"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{"failures":"x"}""")]
    [InlineData("""{"failures":[{"failure":"NoSuchFailure"}]}""")]
    [InlineData("""{"failures":[{"unit":1}]}""")]
    [InlineData("""{"errors":"x"}""")]
    [InlineData("""{"errors":[1]}""")]
    [InlineData("""{"units":[1]}""")]
    [InlineData("""{"units":[{"properties":[{"name":1}]}]}""")]
    [InlineData("""{"errors":[],}""")]
    [InlineData("""{"errors":[]} x""")]
    public void DecodeReply_rejects_what_the_generator_rejects(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlReply));
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeReply(bytes));
    }

    private static string Codec(ControlReply? reply) => reply is null ? "null" : Encoding.UTF8.GetString(ControlCodec.EncodeReply(reply));

    private static string Codec(ControlRequest? request) => request is null ? "null" : Encoding.UTF8.GetString(ControlCodec.EncodeRequest(request));

    [Theory]
    [MemberData(nameof(Replies))]
    public void EncodeReply_writes_the_generators_bytes_for_what_it_read(string json)
    {
        var reply = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), ControlJsonContext.Default.ControlReply);
        Assert.Equal(Generated(reply), Codec(reply));
    }

    [Fact]
    public void EncodeReply_escapes_and_orders_like_the_generator()
    {
        var reply = new ControlReply
        {
            Errors = ["Unknown method.\nSee \"summon status x.service\"", "<&'+`>", "caf\u00e9-\u4e2d-\U0001F600\u007f\u2028\u0001"],
            Failures = [new JobError("x.service", JobFailure.UnitFailed, "exit-code"), new JobError("y <&>.service", JobFailure.NotFound)],
            Units =
            [
                new UnitInfo { Id = "a@b-c_d:e.service", Properties = [new UnitProperty("ExecStart", "{ path=/bin/cat ; argv[]=/bin/cat }"), new UnitProperty("Empty", "")] },
                new UnitInfo { Id = "plain ~/=,:.socket" },
            ],
        };
        Assert.Equal(Generated(reply), Codec(reply));
        Assert.StartsWith("""{"errors":["Unknown method.\nSee \u0022summon status x.service\u0022",""", Codec(reply));
    }

    [Fact]
    public void EncodeReply_leaves_out_nulls_like_the_generator()
    {
        var reply = new ControlReply { Errors = null!, Units = [null!, new UnitInfo { Id = null!, Properties = [null!, new UnitProperty(null!, "v"), new UnitProperty("n", null!)] }, new UnitInfo { Properties = null! }] };
        Assert.Equal(Generated(reply), Codec(reply));
        Assert.Equal("""{"failures":[],"units":[null,{"properties":[null,{"value":"v"},{"name":"n"}]},{"id":""}]}""", Codec(reply));
    }

    [Fact]
    public void The_lines_are_the_messages_and_a_newline()
    {
        var request = new ControlRequest { Method = "Show", Units = ["x.socket"], Properties = ["ActiveState"] };
        var reply = new ControlReply { Errors = ["e"], Failures = [new JobError("x.socket", JobFailure.Masked)], Units = [new UnitInfo { Id = "x.socket" }] };
        Assert.Equal(Codec(request) + "\n", Encoding.UTF8.GetString(ControlCodec.EncodeRequestLine(request)));
        Assert.Equal(Codec(reply) + "\n", Encoding.UTF8.GetString(ControlCodec.EncodeReplyLine(reply)));
    }

    public static TheoryData<string> Requests => new()
    {
        """{"method":"Ping","all":false,"noBlock":false,"signal":0}""",
        """{"method":"Kill","units":["a.service","b\u0022\\\n\u00E9\uD83D\uDE00"],"types":["socket"],"states":["failed"],"all":true,"noBlock":true,"signal":-9,"killWhom":"main","properties":["ActiveState",""]}""",
        // members in another order, unknown members of every kind skipped, whitespace
        """ { "signal" : 15 , "extra" : {"a":[1,{"b":null}]}, "units" : [ "x.socket" ], "more": [true, false], "method" : "Stop", "unknown" : 12.5e3 } """,
        // case-sensitive names: "Method" and "UNITS" are unknown members
        """{"Method":"Nope","method":"Show","UNITS":["no"],"units":["yes"]}""",
        // the last of a repeated member wins
        """{"method":"Start","method":"Stop","all":true,"all":false}""",
        // nulls
        """{"method":null,"units":null,"types":null,"states":null,"killWhom":null,"properties":null}""",
        """{"method":"Show","units":[null,"a"],"properties":[null]}""",
        """{}""",
        """null""",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void DecodeRequest_reads_what_the_generator_reads(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var expected = JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlRequest);
        var actual = ControlCodec.DecodeRequest(bytes);
        Assert.Equal(expected is null ? "null" : Generated(expected), actual is null ? "null" : Generated(actual));
    }

    [Fact]
    public void DecodeRequest_reads_every_value()
    {
        var request = ControlCodec.DecodeRequest("""{"method":"Kill","units":["a.service","b\u0022"],"types":["service"],"states":["failed","running"],"all":true,"noBlock":true,"signal":9,"killWhom":"main","properties":["MainPID"]}"""u8)!;
        Assert.Equal("Kill", request.Method);
        Assert.Equal(["a.service", "b\""], request.Units);
        Assert.Equal(["service"], request.Types!);
        Assert.Equal(["failed", "running"], request.States!);
        Assert.True(request.All);
        Assert.True(request.NoBlock);
        Assert.Equal(9, request.Signal);
        Assert.Equal("main", request.KillWhom);
        Assert.Equal(["MainPID"], request.Properties!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"Ping\"")]
    [InlineData("""{"method":1}""")]
    [InlineData("""{"units":"x"}""")]
    [InlineData("""{"units":[1]}""")]
    [InlineData("""{"all":1}""")]
    [InlineData("""{"all":null}""")]
    [InlineData("""{"noBlock":"true"}""")]
    [InlineData("""{"signal":"15"}""")]
    [InlineData("""{"signal":null}""")]
    [InlineData("""{"signal":1.5}""")]
    [InlineData("""{"signal":2147483648}""")]
    [InlineData("""{"properties":{}}""")]
    [InlineData("""{"method":"Ping",}""")]
    [InlineData("""{"method":"Ping"} x""")]
    [InlineData("""{"method":"Ping"}{}""")]
    public void DecodeRequest_rejects_what_the_generator_rejects(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlRequest));
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeRequest(bytes));
    }

    [Fact]
    public void Text_that_is_not_utf8_is_malformed_json_for_both()
    {
        byte[] request = [.. "{\"method\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(request, ControlJsonContext.Default.ControlRequest));
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeRequest(request));
        byte[] reply = [.. "{\"errors\":[\""u8, 0xFF, .. "\"]}"u8];
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(reply, ControlJsonContext.Default.ControlReply));
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeReply(reply));
    }

    // Found by the parser fuzz target (fuzz/): a member name escaping half a surrogate pair threw
    // InvalidOperationException out of the decoder, past the server's JsonException handler, on a pool thread.
    [Theory]
    [InlineData("""{"signa\ud800l":15}""")]
    [InlineData("""{"\udc00":1}""")]
    [InlineData("""{"method":"start","\ud800":"x"}""")]
    public void A_member_name_with_a_lone_surrogate_is_malformed_json(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeRequest(bytes));
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeReply(bytes));
        byte[] unit = Encoding.UTF8.GetBytes("{\"units\":[{\"id\":\"a\",\"properties\":[" + json + "]}]}");
        Assert.ThrowsAny<JsonException>(() => ControlCodec.DecodeReply(unit));
    }
}
