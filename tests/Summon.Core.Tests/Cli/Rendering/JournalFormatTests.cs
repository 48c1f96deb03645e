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
}
