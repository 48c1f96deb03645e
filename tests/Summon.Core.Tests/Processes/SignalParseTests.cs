using Summon.Processes;

namespace Summon.Core.Tests.Processes;

/// <summary>Signals.TryParse accepts what systemd's signal_from_string() accepts (KillSignal=, SuccessExitStatus=, kill -s).</summary>
public sealed class SignalParseTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("15", 15)]
    [InlineData("SIGKILL", 9)]
    [InlineData("SIGIOT", 6)]
    [InlineData("POLL", 29)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("RTMIN+0", 34)]
    [InlineData("SIGRTMIN+3", 37)]
    [InlineData("RTMIN+30", 64)]
    [InlineData("SIGRTMAX", 64)]
    [InlineData("RTMAX-2", 62)]
    [InlineData("RTMAX-30", 34)]
    [InlineData("64", 64)]
    public void Parses(string text, int expected)
    {
        Assert.True(Signals.TryParse(text, out int signal), text);
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SIG")]
    [InlineData("sigterm")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-1")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMIN-1")]
    [InlineData("RTMAX+1")]
    [InlineData("RTMIN+")]
    [InlineData("RTMINX")]
    [InlineData("SIGFOO")]
    public void Rejects(string text) => Assert.False(Signals.TryParse(text, out _), text);
}
