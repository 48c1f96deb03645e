using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>parse_timestamp() of systemd 252; expected values are `systemd-analyze timestamp`'s with TZ=UTC.</summary>
public sealed class TimestampsTests
{
    // Sun 2026-12-06 09:53:57.618407 UTC
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796550837).AddTicks(6184070);

    public static TheoryData<string, long> Parsed => new()
    {
        { "2026-12-06 10:00:00", 1796551200_000000 },
        { "2026-12-06 10:00", 1796551200_000000 },
        { "2026-12-06", 1796515200_000000 },
        { "26-12-06 10:00:00", 1796551200_000000 },
        { "2026-2-6 1:00", 1770339600_000000 },
        { "2026-12-06  10:00", 1796551200_000000 },
        { "10:00", 1796551200_000000 },
        { "10:00:05", 1796551205_000000 },
        { "today", 1796515200_000000 },
        { "yesterday", 1796428800_000000 },
        { "tomorrow", 1796601600_000000 },
        { "now", 1796550837_618407 },
        { "+1h", 1796554437_618407 },
        { "-5min", 1796550537_618407 },
        { "5 min ago", 1796550537_618407 },
        { "1 hour ago", 1796547237_618407 },
        { "5min left", 1796551137_618407 },
        { "@1700000000", 1700000000_000000 },
        { "@1700000000.5", 1700000000_500000 },
        { "Sun 2026-12-06 10:00:00", 1796551200_000000 },
        { "sun 2026-12-06", 1796515200_000000 },
        { "2026-12-06 10:00:00 UTC", 1796551200_000000 },
        { "2026-12-06 10:00:00.123", 1796551200_123000 },
        { "today UTC", 1796515200_000000 },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Parses_like_systemd(string text, long expectedMicroseconds)
    {
        Assert.Equal(0, Timestamps.TryParse(text, Now, TimeZoneInfo.Utc, out var time));
        Assert.Equal(expectedMicroseconds, (time - DateTimeOffset.UnixEpoch).Ticks / 10);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("2026-12-06T10:00:00")]
    [InlineData("20261206100000")]
    [InlineData("2026-12-06 10:00:00 +0100")]
    [InlineData("Mon 2026-12-06")]
    [InlineData("5 min ago UTC")]
    [InlineData("2026-13-01")]
    [InlineData("25:00")]
    [InlineData("@x")]
    public void Refuses_what_systemd_refuses(string text) =>
        Assert.NotEqual(0, Timestamps.TryParse(text, Now, TimeZoneInfo.Utc, out _));

    [Fact]
    public void Day_words_and_dates_are_local_time()
    {
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");
        Assert.Equal(0, Timestamps.TryParse("today", Now, plusTwo, out var today));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.FromHours(2)), today);
        Assert.Equal(0, Timestamps.TryParse("2026-12-06 10:00 UTC", Now, plusTwo, out var utc));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), utc);
    }
}
