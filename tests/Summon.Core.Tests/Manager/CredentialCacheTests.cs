using Summon.Manager;
using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Tests.Manager;

/// <summary>User=/Group= lookups run off the event loop: a spawn asks whether the answer is there and, when it is
/// not, is called back on the loop once it is (issue 11, item 2; the units' side is CredentialWaitTests).</summary>
public sealed class CredentialCacheTests : IDisposable
{
    private readonly EventLoop _loop = new();

    public void Dispose() => _loop.Dispose();

    [Fact]
    public void A_lookup_not_answered_yet_calls_back_on_the_loop_once_it_answers()
    {
        using var release = new ManualResetEventSlim();
        var cache = new CredentialCache(_loop, (user, group, groups) =>
        {
            release.Wait();
            return ExecCredentials.Resolve("root", null, [], "");
        });
        var exec = new ExecSettings { User = "hung-in-ldap" };
        cache.Prefetch(exec);
        Assert.False(cache.Answered(exec));
        int loopThread = Environment.CurrentManagedThreadId, calledOn = 0;
        cache.WhenAnswered(exec, () => calledOn = Environment.CurrentManagedThreadId);
        _loop.RunOnce(0);
        Assert.Equal(0, calledOn);

        release.Set();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);   // a loaded pool may run the lookup late
        while (calledOn == 0 && DateTime.UtcNow < deadline)
            _loop.RunOnce(50);
        Assert.Equal(loopThread, calledOn);
        Assert.True(cache.Answered(exec));
        Assert.Equal(0u, cache.Resolve(exec, "/bin/true").Uid);
    }

    [Fact]
    public void An_unknown_user_fails_with_USER_for_the_command_being_started()
    {
        var cache = new CredentialCache(_loop, (user, group, groups) => throw new SpawnException("", Errno.ESRCH, ExitStatusNames.User));
        var exec = new ExecSettings { User = "no-such-user" };
        cache.Prefetch(exec);
        Assert.True(SpinWait.SpinUntil(() => cache.Answered(exec), TimeSpan.FromSeconds(30)));   // a loaded pool may start it late
        var e = Assert.Throws<SpawnException>(() => cache.Resolve(exec, "/usr/bin/daemon"));
        Assert.Equal((ExitStatusNames.User, Errno.ESRCH, "/usr/bin/daemon"), (e.ExitStatus, e.Errno, e.Path));
    }

    [Fact]
    public void No_user_or_group_needs_no_lookup()
    {
        var cache = new CredentialCache(_loop, (user, group, groups) => throw new InvalidOperationException("looked up"));
        Assert.Same(ExecCredentials.None, cache.Resolve(new ExecSettings(), "/bin/true"));
    }
}
