using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

public sealed class JournalLineTests
{
    [Theory]
    [InlineData("Apr 22 02:44:41 host systemd[1]: Listening on demo-echo.socket - Socket unit for demo-echo.",
        "Apr 22 02:44:41", "host", "systemd", 1, "Listening on demo-echo.socket - Socket unit for demo-echo.")]
    [InlineData("Nov 05 22:44:41 box summon[4242]: demo-echo.socket: Failed to create listening socket (127.0.0.1:1): Address already in use",
        "Nov 05 22:44:41", "box", "summon", 4242, "demo-echo.socket: Failed to create listening socket (127.0.0.1:1): Address already in use")]
    [InlineData("Dec 31 23:59:59 h cat[7]: ", "Dec 31 23:59:59", "h", "cat", 7, "")]
    public void Parse_reads_the_short_format(string line, string time, string host, string ident, int pid, string message) =>
        Assert.Equal(new JournalLine(time, host, ident, pid, message), JournalLine.Parse(line));

    [Theory]
    [InlineData("")]
    [InlineData("-- No entries --")]
    [InlineData("Nov 5 22:44:41 host summon[1]: day not zero-padded")]
    [InlineData("Nov 25 22:44:41 host summon: no pid")]
    public void Parse_rejects_other_lines(string line) => Assert.Null(JournalLine.Parse(line));
}
