using Summon.Manager;
using Summon.Posix;

namespace Summon.Core.Tests.Manager;

/// <summary>The pause after running out of resources: doubling to a cap, an episode begun once, reset by a success.</summary>
public sealed class ResourceBackoffTests
{
    [Fact]
    public void Delay_doubles_to_the_cap_and_a_success_ends_the_episode()
    {
        var backoff = new ResourceBackoff();
        var delays = new List<TimeSpan>();
        var begins = new List<bool>();
        for (int i = 0; i < 8; i++)
        {
            delays.Add(backoff.Fail(out bool begins1));
            begins.Add(begins1);
        }
        Assert.Equal([10, 20, 40, 80, 160, 320, 500, 500], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal([true, false, false, false, false, false, false, false], begins);
        Assert.Equal(8u, backoff.Succeed());
        Assert.Equal(0u, backoff.Succeed());
        Assert.Equal(ResourceBackoff.FirstDelay, backoff.Fail(out bool again));
        Assert.True(again);
    }

    [Fact]
    public void EAGAIN_is_exhaustion_for_a_spawn_but_means_nothing_pending_for_accept()
    {
        Assert.All([Errno.EMFILE, Errno.ENFILE, Errno.ENOMEM, Errno.ENOBUFS], e => Assert.True(ResourceBackoff.IsAcceptExhaustion(e)));
        Assert.All([Errno.EMFILE, Errno.ENFILE, Errno.ENOMEM, Errno.ENOBUFS, Errno.EAGAIN], e => Assert.True(ResourceBackoff.IsSpawnExhaustion(e)));
        Assert.False(ResourceBackoff.IsAcceptExhaustion(Errno.EAGAIN));
        Assert.False(ResourceBackoff.IsSpawnExhaustion(Errno.ENOENT));
    }
}
