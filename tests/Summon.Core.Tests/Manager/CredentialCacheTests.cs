using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Tests.Manager;

/// <summary>User=/Group= lookups run off the event loop: a lookup that never answers fails the starts with 217/USER
/// instead of holding the caller, and its answer is used once it comes (issue 11, item 2).</summary>
public sealed class CredentialCacheTests
{
    [Fact]
    public void A_lookup_that_never_answers_fails_the_start_with_USER_and_its_late_answer_is_used()
    {
        using var release = new ManualResetEventSlim();
        var cache = new CredentialCache((user, group, groups) =>
        {
            release.Wait();
            return ExecCredentials.Resolve("root", null, [], "");
        });
        var exec = new ExecSettings { User = "hung-in-ldap" };
        cache.Prefetch(exec);

        var first = Assert.Throws<SpawnException>(() => cache.Resolve(exec, "/bin/true"));
        Assert.Equal((ExitStatusNames.User, Errno.ETIMEDOUT), (first.ExitStatus, first.Errno));
        var again = Assert.Throws<SpawnException>(() => cache.Resolve(exec, "/bin/true"));
        Assert.Equal(ExitStatusNames.User, again.ExitStatus);

        release.Set();
        Assert.True(SpinWait.SpinUntil(() =>
        {
            try
            {
                return cache.Resolve(exec, "/bin/true").Uid == 0;
            }
            catch (SpawnException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_unknown_user_fails_with_USER_for_the_command_being_started()
    {
        var cache = new CredentialCache((user, group, groups) => throw new SpawnException("", Errno.ESRCH, ExitStatusNames.User));
        var exec = new ExecSettings { User = "no-such-user" };
        cache.Prefetch(exec);
        Assert.True(SpinWait.SpinUntil(() => cache.Answered(exec), TimeSpan.FromSeconds(30)));   // a loaded pool may start it late
        var e = Assert.Throws<SpawnException>(() => cache.Resolve(exec, "/usr/bin/daemon"));
        Assert.Equal((ExitStatusNames.User, Errno.ESRCH, "/usr/bin/daemon"), (e.ExitStatus, e.Errno, e.Path));
    }

    [Fact]
    public void No_user_or_group_needs_no_lookup()
    {
        var cache = new CredentialCache((user, group, groups) => throw new InvalidOperationException("looked up"));
        Assert.Same(ExecCredentials.None, cache.Resolve(new ExecSettings(), "/bin/true"));
    }
}
