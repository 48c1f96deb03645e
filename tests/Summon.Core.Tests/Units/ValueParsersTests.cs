using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public class ValueParsersTests
{
    [Theory]
    [InlineData("1", true)] [InlineData("yes", true)] [InlineData("Y", true)] [InlineData("true", true)] [InlineData("t", true)] [InlineData("ON", true)]
    [InlineData("0", false)] [InlineData("no", false)] [InlineData("n", false)] [InlineData("False", false)] [InlineData("f", false)] [InlineData("off", false)]
    public void Booleans(string text, bool expected)
    {
        Assert.True(ValueParsers.TryParseBoolean(text, out bool value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("maybe")] [InlineData("")] [InlineData("2")] [InlineData("yes please")]
    public void NotBooleans(string text) => Assert.False(ValueParsers.TryParseBoolean(text, out _));

    // text → microseconds, or -1 for EINVAL/ERANGE
    [Theory]
    [InlineData("90", 90_000_000L)]
    [InlineData("2s", 2_000_000L)]
    [InlineData("1min 30s", 90_000_000L)]
    [InlineData("1min30s", 90_000_000L)]
    [InlineData("2.5s", 2_500_000L)]
    [InlineData("200ms", 200_000L)]
    [InlineData("5m", 300_000_000L)]
    [InlineData("1h 1m 1s 1ms 1us", 3_661_001_001L)]
    [InlineData("1 d", 86_400_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("abc", -1L)]
    [InlineData("5x", -1L)]
    [InlineData("-1", -1L)]
    [InlineData("3.s", -1L)]
    [InlineData("", -1L)]
    public void TimeSpans(string text, long usec)
    {
        int r = ValueParsers.TryParseTimeSpan(text, out TimeSpan value);
        if (usec < 0)
        {
            Assert.NotEqual(0, r);
            return;
        }

        Assert.Equal(0, r);
        Assert.Equal(usec * 10, value.Ticks);
    }

    [Fact]
    public void Infinity()
    {
        Assert.Equal(0, ValueParsers.TryParseTimeSpan("infinity", out TimeSpan value));
        Assert.Equal(Timeout.InfiniteTimeSpan, value);
    }

    [Theory]
    [InlineData("0666", 438)] [InlineData("755", 493)] [InlineData("7777", 4095)] [InlineData("0", 0)]
    [InlineData("9", -1)] [InlineData("abc", -1)] [InlineData("0777777", -1)] [InlineData("-1", -1)]
    public void Modes(string text, int mode)
    {
        int r = ValueParsers.TryParseMode(text, out uint value);
        Assert.Equal(mode < 0, r != 0);
        if (mode >= 0)
            Assert.Equal((uint)mode, value);
    }

    [Theory]
    [InlineData("64", 64UL)] [InlineData("64K", 65536UL)] [InlineData("1M", 1048576UL)] [InlineData("1.5K", 1536UL)] [InlineData("1G 512M", 1610612736UL)]
    public void Sizes(string text, ulong expected)
    {
        Assert.Equal(0, ValueParsers.TryParseSize(text, out ulong value));
        Assert.Equal(expected, value);
    }

    // Found by the parser fuzz target (fuzz/): digits beyond decimal's range, and a huge number times a large unit,
    // threw OverflowException out of the loader; parse_size() answers ERANGE.
    [Theory]
    [InlineData("99999999999999999999999999999")] [InlineData("18446744073709551616")] [InlineData("100000000000000000000E")]
    [InlineData("18446744073709551615E")] [InlineData("16E")] [InlineData("1 18446744073709551615")]
    public void SizesOutOfRange(string text) => Assert.Equal(Errno.ERANGE, ValueParsers.TryParseSize(text, out _));

    // C-notation unsigned numbers (safe_atou): text → value or -1
    [Theory]
    [InlineData("64", 64L)] [InlineData("0x10", 16L)] [InlineData("010", 8L)] [InlineData("+5", 5L)] [InlineData(" 7", 7L)] [InlineData("-0", 0L)]
    [InlineData("4294967295", 4294967295L)] [InlineData("4294967296", -1L)] [InlineData("-5", -1L)] [InlineData("abc", -1L)] [InlineData("5 ", -1L)] [InlineData("09", -1L)] [InlineData("", -1L)]
    public void Unsigned(string text, long expected)
    {
        int r = ValueParsers.TryParseUnsigned(text, out uint value);
        Assert.Equal(expected < 0, r != 0);
        if (expected >= 0)
            Assert.Equal((uint)expected, value);
    }
}
