using Microsoft.Extensions.Time.Testing;
using Summon.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// systemd's ratelimit_below(): at most Burst events per Interval, the window opening at the first event after the
/// previous window ended (an event exactly Interval after the window opened is still inside it); a zero interval or
/// burst disables the limit; reset opens a fresh window at the next event.
/// </summary>
public sealed class RateLimitTests
{
    /// <summary>
    /// Each step advances the fake clock by the given milliseconds, then counts one event; the string lists the
    /// expected answers, '+' allowed and '-' refused.
    /// </summary>
    public static TheoryData<int, uint, int[], string> Sequences => new()
    {
        // interval ms, burst, delays before each event (ms), expected
        { 2000, 3, [0, 0, 0, 0, 0], "+++--" },
        { 2000, 1, [0, 0, 1999, 1, 1], "+---+" },          // 2000 ms after the opening is still the same window
        { 2000, 3, [0, 500, 500, 500, 501], "+++-+" },      // window opened at 0: 2001 ms later a new one opens
        { 2000, 3, [0, 0, 0, 2001, 0, 0, 0], "++++++-" },
        { 2000, 2, [100, 0, 0, 2000, 1], "++--+" },        // the window opens at the first event, not at creation
        { 10000, 5, [0, 1, 1, 1, 1, 1, 9995, 1], "+++++--+" },  // systemd's StartLimitIntervalSec=10s/Burst=5
        { 2000, 20, [.. Enumerable.Repeat(0, 21)], new string('+', 20) + "-" },  // Accept=no trigger default
        { 0, 3, [0, 0, 0, 0, 0], "+++++" },                 // interval 0 disables
        { 2000, 0, [0, 0, 0], "+++" },                      // burst 0 disables
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Allows_at_most_burst_events_per_window(int intervalMs, uint burst, int[] delaysMs, string expected)
    {
        var time = new FakeTimeProvider();
        var limit = new RateLimit(time, TimeSpan.FromMilliseconds(intervalMs), burst);
        var answers = new System.Text.StringBuilder();
        foreach (int delay in delaysMs)
        {
            time.Advance(TimeSpan.FromMilliseconds(delay));
            answers.Append(limit.Allow() ? '+' : '-');
        }

        Assert.Equal(expected, answers.ToString());
    }

    [Theory]
    [InlineData(2000, 3, true)]
    [InlineData(0, 3, false)]
    [InlineData(2000, 0, false)]
    [InlineData(0, 0, false)]
    public void Enabled_needs_both_interval_and_burst(int intervalMs, uint burst, bool enabled) =>
        Assert.Equal(enabled, new RateLimit(new FakeTimeProvider(), TimeSpan.FromMilliseconds(intervalMs), burst).Enabled);

    [Fact]
    public void Reset_opens_a_fresh_window_at_the_next_event()
    {
        var time = new FakeTimeProvider();
        var limit = new RateLimit(time, TimeSpan.FromSeconds(10), 2);
        Assert.True(limit.Allow());
        Assert.True(limit.Allow());
        Assert.False(limit.Allow());

        time.Advance(TimeSpan.FromSeconds(9));
        limit.Reset();
        Assert.True(limit.Allow());
        Assert.True(limit.Allow());
        Assert.False(limit.Allow());

        // The new window opened at the first event after the reset (t=9 s), so it lasts until t=19 s.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(limit.Allow());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limit.Allow());
    }

    [Fact]
    public void Refused_events_do_not_extend_the_window()
    {
        var time = new FakeTimeProvider();
        var limit = new RateLimit(time, TimeSpan.FromSeconds(2), 1);
        Assert.True(limit.Allow());
        for (int i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.False(limit.Allow());   // t = 0.5, 1.0, 1.5, 2.0 s: all inside the window opened at 0
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limit.Allow());
    }
}
