using Summon.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>sd_notify(3) text parsed into what the service applies, in the order it came.</summary>
public sealed class ServiceNotificationTests
{
    [Fact]
    public void Updates_keep_message_order_and_state_changes_are_flags()
    {
        var n = ServiceNotification.Parse("WATCHDOG=trigger\nSTATUS=busy\nREADY=1\nEXTEND_TIMEOUT_USEC=2500000\nMAINPID=42\nERRNO=5\nWATCHDOG=1\nWATCHDOG_USEC=1000\nFDSTORE=1\nFDNAME=a\nFDNAME=b\n");
        Assert.Equal(
            [
                new NotifyUpdate(NotifyField.WatchdogTrigger),
                new NotifyUpdate(NotifyField.Status, Text: "busy"),
                new NotifyUpdate(NotifyField.ExtendTimeout, Span: TimeSpan.FromSeconds(2.5)),
                new NotifyUpdate(NotifyField.MainPid, Number: 42),
                new NotifyUpdate(NotifyField.Errno, Number: 5),
                new NotifyUpdate(NotifyField.WatchdogPing),
                new NotifyUpdate(NotifyField.WatchdogInterval, Span: TimeSpan.FromMilliseconds(1)),
            ],
            n.Updates);
        Assert.Equal((true, false, false, true, false, "b"), (n.Ready, n.Reloading, n.Stopping, n.FdStore, n.FdStoreRemove, n.FdName));
    }

    [Theory]
    [InlineData("READY=0")]
    [InlineData("READY")]
    [InlineData("=1")]
    [InlineData("MAINPID=0")]
    [InlineData("MAINPID=-3")]
    [InlineData("MAINPID=2147483648")]
    [InlineData("ERRNO=x")]
    [InlineData("EXTEND_TIMEOUT_USEC=1.5")]
    [InlineData("WATCHDOG=2")]
    [InlineData("UNKNOWN=1")]
    public void Malformed_or_unknown_assignments_are_ignored(string text)
    {
        var n = ServiceNotification.Parse(text);
        Assert.Empty(n.Updates);
        Assert.False(n.Ready);
    }

    [Fact]
    public void A_time_past_what_a_TimeSpan_holds_means_no_limit()
    {
        var n = ServiceNotification.Parse("EXTEND_TIMEOUT_USEC=18446744073709551615\nWATCHDOG_USEC=18446744073709551615");
        Assert.All(n.Updates, u => Assert.Equal(TimeSpan.MaxValue, u.Span));
    }
}
