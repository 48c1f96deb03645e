using Summon.Posix;

namespace Summon.Core.Tests.Posix;

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

public class SignalNameTests
{
    [Theory]
    [InlineData(1, "HUP")]
    [InlineData(2, "INT")]
    [InlineData(9, "KILL")]
    [InlineData(13, "PIPE")]
    [InlineData(15, "TERM")]
    [InlineData(16, "STKFLT")]
    [InlineData(17, "CHLD")]
    [InlineData(29, "IO")]
    [InlineData(30, "PWR")]
    [InlineData(31, "SYS")]
    [InlineData(32, "32")]
    [InlineData(33, "33")]
    [InlineData(34, "RTMIN+0")]
    [InlineData(40, "RTMIN+6")]
    [InlineData(64, "RTMIN+30")]
    [InlineData(65, "65")]
    [InlineData(0, "0")]
    public void NameMatchesSystemd(int signal, string expected) => Assert.Equal(expected, Signals.Name(signal));
}
