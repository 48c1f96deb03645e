using Summon.Interop;
using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>parse_time()/format_timespan() of systemd 252; expected values are systemd-analyze timespan's.</summary>
public sealed class TimeSpansTests
{
    public static TheoryData<string, ulong> Parsed => new()
    {
        { "1min 30s", 90_000_000 },
        { "100ms", 100_000 },
        { "infinity", ulong.MaxValue },
        { " infinity ", ulong.MaxValue },
        { "0", 0 },
        { "20", 20_000_000 },
        { "+5", 5_000_000 },
        { ".5", 500_000 },
        { "1.5h", 5_400_000_000 },
        { "1y 2month 3w", 38_631_600_000_000 },
        { "3600000001us", 3_600_000_001 },
        { "1.5us", 1 },
        { "0.0000001s", 0 },
        { "1 2 3", 6_000_000 },
        { "5 sec 3m", 185_000_000 },
        { "1M", 2_629_800_000_000 },
        { "1m", 60_000_000 },
        { "1d1h", 90_000_000_000 },
        { "2.5months", 6_574_500_000_000 },
        { "12.34 .56", 12_900_000 },
        { "12.34s.56", 12_900_000 },
        { "1 \u03bcs", 1 },
        { "1\u00b5s", 1 },
        { "1hr", 3_600_000_000 },
        { "1 year", 31_557_600_000_000 },
        { "9223372036854775807us", 9_223_372_036_854_775_807 },
        { "5000000000000000000us 5000000000000000000us", 10_000_000_000_000_000_000 },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Parses(string text, ulong usec)
    {
        Assert.Equal(0, TimeSpans.TryParseSec(text, out ulong value));
        Assert.Equal(usec, value);
    }

    public static TheoryData<string, int> Refused => new()
    {
        { "", Errno.EINVAL },
        { "   ", Errno.EINVAL },
        { "1e3", Errno.EINVAL },
        { "1.s", Errno.EINVAL },
        { "3.hoge", Errno.EINVAL },
        { "12.34.56", Errno.EINVAL },
        { "+.5", Errno.EINVAL },
        { "5 x", Errno.EINVAL },
        { "5 infinity", Errno.EINVAL },
        { "infinityx", Errno.EINVAL },
        { "-1", Errno.ERANGE },
        { "-0", Errno.ERANGE },
        { "18446744073709551614us", Errno.ERANGE },
        { "9223372036854775808us", Errno.ERANGE },
        { "584542y", Errno.ERANGE },
        { "9999999999999999999", Errno.ERANGE },
        { "7000000000000000000us 7000000000000000000us 7000000000000000000us", Errno.ERANGE },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses(string text, int errno) => Assert.Equal(errno, TimeSpans.TryParseSec(text, out _));

    public static TheoryData<ulong, string> Formatted => new()
    {
        { 0, "0" },
        { ulong.MaxValue, "infinity" },
        { 1, "1us" },
        { 1_500, "1.500ms" },
        { 500_000, "500ms" },
        { 1_500_000, "1.500000s" },
        { 1_000_001, "1.000001s" },
        { 59_999_999, "59.999999s" },
        { 61_500_000, "1min 1.500000s" },
        { 90_000_000, "1min 30s" },
        { 5_400_000_000, "1h 30min" },
        { 3_600_000_001, "1h 1us" },
        { 6_574_500_000_000, "2month 2w 1d 5h 15min" },
        { 38_631_600_000_000, "1y 2month 3w" },
        { 63_115_200_000_000, "2y" },
    };

    [Theory]
    [MemberData(nameof(Formatted))]
    public void Formats(ulong usec, string text) => Assert.Equal(text, TimeSpans.Format(usec));

    [Fact]
    public void ValueParsersClampToTimeSpanAndKeepInfinity()
    {
        Assert.Equal(0, ValueParsers.TryParseTimeSpan("infinity", out TimeSpan inf));
        Assert.Equal(Timeout.InfiniteTimeSpan, inf);
        Assert.Equal(0, ValueParsers.TryParseTimeSpan("1min 30s", out TimeSpan t));
        Assert.Equal(TimeSpan.FromSeconds(90), t);
        Assert.Equal(0, ValueParsers.TryParseTimeSpan("9223372036854775807us", out TimeSpan max));
        Assert.Equal(TimeSpan.MaxValue, max);
    }
}
