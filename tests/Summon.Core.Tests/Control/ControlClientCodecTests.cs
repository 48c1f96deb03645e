using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Summon.Control;

namespace Summon.Core.Tests.Control;

/// <summary>The CLI's codec against the source-generated context the manager uses: same bytes out, same objects in.</summary>
public class ControlClientCodecTests
{
    private static string Generated(ControlRequest request)
        => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest));

    private static string Generated(ControlReply? reply)
        => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(reply, ControlJsonContext.Default.ControlReply!));

    [Theory]
    [InlineData("Show", "x.socket", null, null, """{"method":"Show","units":["x.socket"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("ListUnits", null, ".socket", null, """{"method":"ListUnits","units":[],"type":".socket","all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Kill", "a@b-c_d:e.service", null, "main", """{"method":"Kill","units":["a@b-c_d:e.service"],"all":false,"noBlock":false,"signal":0,"killWhom":"main"}""")]
    [InlineData("Show", "q\"uote.service", null, null, """{"method":"Show","units":["q\u0022uote.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "back\\slash\n\t\u0001.service", null, null, """{"method":"Show","units":["back\\slash\n\t\u0001.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "<&'+`>.service", null, null, """{"method":"Show","units":["\u003C\u0026\u0027\u002B\u0060\u003E.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Show", "caf\u00e9-\u4e2d-\U0001F600\u007f.service", null, null, """{"method":"Show","units":["caf\u00E9-\u4E2D-\uD83D\uDE00\u007F.service"],"all":false,"noBlock":false,"signal":0}""")]
    [InlineData("Sh\u2028ow", "plain ~/=,:.service", "t\"", "w\\", """{"method":"Sh\u2028ow","units":["plain ~/=,:.service"],"type":"t\u0022","all":false,"noBlock":false,"signal":0,"killWhom":"w\\"}""")]
    public void Encode_writes_the_generators_bytes(string method, string? unit, string? type, string? killWhom, string expected)
    {
        var request = new ControlRequest { Method = method, Units = unit is null ? [] : [unit], Type = type, KillWhom = killWhom };
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlClientCodec.Encode(request)));
    }

    [Fact]
    public void Encode_writes_flags_numbers_and_several_units_like_the_generator()
    {
        var request = new ControlRequest { Method = "Stop", Units = ["a.service", "b.socket", ""], All = true, NoBlock = true, Signal = -15 };
        const string expected = """{"method":"Stop","units":["a.service","b.socket",""],"all":true,"noBlock":true,"signal":-15}""";
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlClientCodec.Encode(request)));
    }

    [Fact]
    public void Encode_writes_the_wanted_properties_like_the_generator()
    {
        var request = new ControlRequest { Method = "Show", Units = ["a.service"], Properties = ["ActiveState", "Sub\"State"] };
        const string expected = """{"method":"Show","units":["a.service"],"all":false,"noBlock":false,"signal":0,"properties":["ActiveState","Sub\u0022State"]}""";
        Assert.Equal(expected, Generated(request));
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlClientCodec.Encode(request)));
    }

    [Fact]
    public void Encode_leaves_out_null_units_like_the_generator()
    {
        var request = new ControlRequest { Method = "Ping", Units = null! };
        Assert.Equal("""{"method":"Ping","all":false,"noBlock":false,"signal":0}""", Generated(request));
        Assert.Equal(Generated(request), Encoding.UTF8.GetString(ControlClientCodec.Encode(request)));
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
            Assert.Equal(Generated(request), Encoding.UTF8.GetString(ControlClientCodec.Encode(request)));
        }
    }

    public static TheoryData<string> Replies => new()
    {
        """{"exitCode":0,"errors":[],"units":[]}""",
        """{"exitCode":3,"errors":["Unit x.service not found.","b\u0022\\\n\u00E9\uD83D\uDE00"],"units":[{"id":"x.socket","properties":[{"name":"Id","value":"x.socket"},{"name":"ActiveState","value":"active"},{"name":"Empty","value":""}]}]}""",
        // members in another order, unknown members of every kind skipped, whitespace
        """ { "units" : [ { "extra" : {"a":[1,{"b":null}]}, "properties" : [ { "value" : "v", "more": [true, false], "name" : "N" } ], "id" : "y.service" } ], "unknown" : 12.5e3, "errors" : [ ], "exitCode" : -1 } """,
        // case-sensitive names: "ExitCode" and "ID" are unknown members
        """{"ExitCode":5,"exitCode":4,"errors":[],"units":[{"ID":"no","id":"z.service","properties":[]}]}""",
        // nulls
        """{"exitCode":1,"errors":null,"units":null}""",
        """{"exitCode":1,"errors":[null],"units":[{"id":null,"properties":null},null]}""",
        """{"exitCode":1,"errors":[],"units":[{"id":"a","properties":[{"name":null,"value":null},null,{}]}]}""",
        """{}""",
        """null""",
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void DecodeReply_reads_what_the_generator_reads(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var expected = JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlReply);
        var actual = ControlClientCodec.DecodeReply(bytes);
        Assert.Equal(Generated(expected), Generated(actual));
    }

    [Fact]
    public void DecodeReply_reads_every_value()
    {
        var reply = ControlClientCodec.DecodeReply("""{"exitCode":3,"errors":["e1","e\u00222"],"units":[{"id":"x.socket","properties":[{"name":"ActiveState","value":"active"},{"name":"Listen","value":"a"},{"name":"Listen","value":"b"}]}]}"""u8)!;
        Assert.Equal(3, reply.ExitCode);
        Assert.Equal(["e1", "e\"2"], reply.Errors);
        var unit = Assert.Single(reply.Units);
        Assert.Equal("x.socket", unit.Id);
        Assert.Equal("active", unit.Get("ActiveState"));
        Assert.Equal(["a", "b"], unit.GetAll("Listen"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{"exitCode":"0"}""")]
    [InlineData("""{"exitCode":1.5}""")]
    [InlineData("""{"exitCode":4294967296}""")]
    [InlineData("""{"errors":"x"}""")]
    [InlineData("""{"errors":[1]}""")]
    [InlineData("""{"units":[1]}""")]
    [InlineData("""{"units":[{"properties":[{"name":1}]}]}""")]
    [InlineData("""{"exitCode":0,}""")]
    [InlineData("""{"exitCode":0} x""")]
    public void DecodeReply_rejects_what_the_generator_rejects(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlReply));
        Assert.ThrowsAny<JsonException>(() => ControlClientCodec.DecodeReply(bytes));
    }
}
