using Summon.Cli.Rendering;
using Summon.Journal;

namespace Summon.Core.Tests.Cli.Rendering;

public sealed class JournalFormatTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo PlusTwo = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");
    private static readonly DateTimeOffset T = new(2025, 4, 22, 2, 44, 41, 123, TimeSpan.Zero);

    public static TheoryData<object, string> ShortLines => new()
    {
        {
            new JournalEntry(T, "demo-echo.socket", "summon", 1234, 6, "Listening on demo-echo.socket - Socket unit for demo-echo."),
            "Apr 22 02:44:41 host summon[1234]: Listening on demo-echo.socket - Socket unit for demo-echo."
        },
        {
            new JournalEntry(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), "demo-echo@0-127.0.0.1:9091-127.0.0.1:54321.service", "cat", 77, 3, "cat: -: Bad file descriptor"),
            "Jan 02 03:04:05 host cat[77]: cat: -: Bad file descriptor"
        },
        { new JournalEntry(T, null, "summon", 0, 6, "no pid"), "Apr 22 02:44:41 host summon: no pid" },
        { new JournalEntry(T, null, "summon", 1, 6, "first\nsecond\nthird"), "Apr 22 02:44:41 host summon[1]: first\n                                second\n                                third" },
        { new JournalEntry(T, null, "summon", 1, 6, "trailing newline\n"), "Apr 22 02:44:41 host summon[1]: trailing newline" },
        { new JournalEntry(T, null, "summon", 1, 6, ""), "Apr 22 02:44:41 host summon[1]: " },
    };

    [Theory]
    [MemberData(nameof(ShortLines))]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void Short_FormatsLikeJournalctl(object entryValue, string expected)
        => Assert.Equal(expected, JournalShortFormat.Format(((JournalEntry)entryValue), "host", Utc));

    [Fact]
    public void Short_UsesTheGivenTimeZone()
    {
        var entry = new JournalEntry(new DateTimeOffset(2025, 12, 31, 23, 30, 0, TimeSpan.Zero), null, "summon", 9, 6, "m");
        Assert.Equal("Jan 01 01:30:00 h summon[9]: m", JournalShortFormat.Format(entry, "h", PlusTwo));
    }

    [Fact]
    public void Short_Write_NoEntries()
    {
        var output = new StringWriter { NewLine = "\n" };
        JournalShortFormat.Write(output, [], "host", Utc);
        Assert.Equal("-- No entries --\n", output.ToString());
    }

    [Fact]
    public void Short_Write_OneLinePerEntry()
    {
        var output = new StringWriter { NewLine = "\n" };
        JournalShortFormat.Write(output, [new(T, null, "summon", 1, 6, "a"), new(T.AddSeconds(1), null, "cat", 2, 6, "b")], "host", Utc);
        Assert.Equal("Apr 22 02:44:41 host summon[1]: a\nApr 22 02:44:42 host cat[2]: b\n", output.ToString());
    }

    [Theory]
    [InlineData("host", "host")]
    [InlineData("web1.example.com", "web1")]
    [InlineData("", "")]
    public void ShortHostName_CutsAtFirstDot(string hostname, string expected) => Assert.Equal(expected, JournalShortFormat.ShortHostName(hostname));

    public static TheoryData<object, string> JsonLines => new()
    {
        {
            new JournalEntry(T, "demo-echo.socket", "summon", 1234, 6, "Listening on demo-echo.socket - Socket unit for demo-echo.") { Cursor = 42 },
            """{"__CURSOR":"42","__REALTIME_TIMESTAMP":"1745289881123000","_HOSTNAME":"host","PRIORITY":"6","SYSLOG_IDENTIFIER":"summon","_PID":"1234","UNIT":"demo-echo.socket","MESSAGE":"Listening on demo-echo.socket - Socket unit for demo-echo."}"""
        },
        {
            new JournalEntry(T, "demo-echo@0.service", "cat", 77, 3, "ünï \"q\" <tag> & \t\n") { Cursor = 7 },
            """{"__CURSOR":"7","__REALTIME_TIMESTAMP":"1745289881123000","_HOSTNAME":"host","PRIORITY":"3","SYSLOG_IDENTIFIER":"cat","_PID":"77","_SYSTEMD_UNIT":"demo-echo@0.service","MESSAGE":"ünï \"q\" <tag> & \t\n"}"""
        },
        {
            new JournalEntry(T, null, "summon", 0, 5, "Reached target sockets.target - Sockets."),
            """{"__CURSOR":"0","__REALTIME_TIMESTAMP":"1745289881123000","_HOSTNAME":"host","PRIORITY":"5","SYSLOG_IDENTIFIER":"summon","MESSAGE":"Reached target sockets.target - Sockets."}"""
        },
    };

    [Theory]
    [MemberData(nameof(JsonLines))]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void Json_FieldsAsJournalctl(object entryValue, string expected)
        => Assert.Equal(expected, JournalJsonFormat.Format(((JournalEntry)entryValue), "host"));

    [Fact]
    public void ShortIso_and_ShortPrecise_as_journalctl()
    {
        var entry = new JournalEntry(T.AddTicks(4560), null, "summon", 9, 6, "m");
        Assert.Equal("2025-04-22T02:44:41+0000 h summon[9]: m", JournalShortFormat.Format(entry, "h", Utc, JournalOutputMode.ShortIso));
        Assert.Equal("2025-04-22T04:44:41+0200 h summon[9]: m", JournalShortFormat.Format(entry, "h", PlusTwo, JournalOutputMode.ShortIso));
        Assert.Equal("Apr 22 02:44:41.123456 h summon[9]: m", JournalShortFormat.Format(entry, "h", Utc, JournalOutputMode.ShortPrecise));
    }

    [Fact]
    public void JsonPretty_one_field_a_line_tab_indented()
    {
        var entry = new JournalEntry(T, "demo-echo@0.service", "cat", 77, 3, "a \"q\"") { Cursor = 7 };
        Assert.Equal(
            "{\n\t\"__CURSOR\" : \"7\",\n\t\"__REALTIME_TIMESTAMP\" : \"1745289881123000\",\n\t\"_HOSTNAME\" : \"h\",\n"
            + "\t\"PRIORITY\" : \"3\",\n\t\"SYSLOG_IDENTIFIER\" : \"cat\",\n\t\"_PID\" : \"77\",\n"
            + "\t\"_SYSTEMD_UNIT\" : \"demo-echo@0.service\",\n\t\"MESSAGE\" : \"a \\\"q\\\"\"\n}",
            JournalJsonFormat.FormatPretty(entry, "h"));
    }

    [Fact]
    public void Export_text_fields_and_a_binary_safe_message()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var renderer = new JournalRenderer(JournalOutputMode.Export, "h", Utc);
        renderer.Append(output, new JournalEntry(T, "demo.socket", "summon", 1, 6, "plain") { Cursor = 1 });
        renderer.Append(output, new JournalEntry(T, null, "sh", 0, 4, "two\nlines") { Cursor = 2 });
        byte[] expected =
        [
            .. "__CURSOR=1\n__REALTIME_TIMESTAMP=1745289881123000\n_HOSTNAME=h\nPRIORITY=6\nSYSLOG_IDENTIFIER=summon\n_PID=1\nUNIT=demo.socket\nMESSAGE=plain\n\n"u8,
            .. "__CURSOR=2\n__REALTIME_TIMESTAMP=1745289881123000\n_HOSTNAME=h\nPRIORITY=4\nSYSLOG_IDENTIFIER=sh\nMESSAGE\n"u8,
            9, 0, 0, 0, 0, 0, 0, 0,
            .. "two\nlines\n\n"u8,
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Cat_is_the_message_alone()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        new JournalRenderer(JournalOutputMode.Cat, "h", Utc).Append(output, new JournalEntry(T, null, "sh", 3, 6, "hello\n"));
        Assert.Equal("hello\n"u8.ToArray(), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData("short", true)]
    [InlineData("json-pretty", true)]
    [InlineData("export", true)]
    [InlineData("verbose", false)]
    [InlineData("JSON", false)]
    public void Output_modes_by_systemd_name(string name, bool known) => Assert.Equal(known, JournalOutputModes.TryParse(name, out _));
}
