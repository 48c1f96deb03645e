using Summon.Interop;

namespace Summon.IntegrationTests.Harness;

/// <summary>This test process's RLIMIT_NOFILE, which the daemons it starts inherit.</summary>
internal static class FdLimit
{
    private const int RLIMIT_NOFILE = 7;

    /// <summary>
    /// Raises the soft limit to at least <paramref name="fds"/> (the hard limit too when it is lower and we may); fails
    /// the test when that is not allowed, since a test holding thousands of connections cannot run below it.
    /// </summary>
    public static unsafe void AtLeast(int fds)
    {
        Libc.Rlimit limit;
        Assert.Equal(0, Libc.Getrlimit(RLIMIT_NOFILE, &limit));
        if (limit.Current >= (ulong)fds)
        {
            return;
        }

        limit.Current = (ulong)fds;
        limit.Maximum = Math.Max(limit.Maximum, (ulong)fds);
        Assert.True(Libc.Setrlimit(RLIMIT_NOFILE, &limit) == 0, $"cannot raise RLIMIT_NOFILE to {fds} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
    }
}
