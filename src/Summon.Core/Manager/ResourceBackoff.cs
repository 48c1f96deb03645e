using Summon.Posix;

namespace Summon.Manager;

/// <summary>
/// How long a socket stops accepting after the system ran out of something a connection needs (fds, memory,
/// processes): a listener stays readable while accept or the spawn keeps failing, so retrying at once would spin.
/// The pause doubles with each failure in a row up to a cap and starts small again after a success. The failures
/// between two successes are one episode, logged when it begins and when it ends, never once per failure.
/// </summary>
internal sealed class ResourceBackoff
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    private TimeSpan _next = FirstDelay;

    /// <summary>Failures in the current episode; 0 outside one.</summary>
    public uint Failures { get; private set; }

    /// <summary>accept(2) out of fds, memory or buffers: the connection waits in the backlog.</summary>
    public static bool IsAcceptExhaustion(int errno) => errno is Errno.EMFILE or Errno.ENFILE or Errno.ENOMEM or Errno.ENOBUFS;

    /// <summary>pipe2, open or clone out of fds, memory or processes (EAGAIN: RLIMIT_NPROC or the pid space).</summary>
    public static bool IsSpawnExhaustion(int errno) => errno is Errno.EMFILE or Errno.ENFILE or Errno.ENOMEM or Errno.ENOBUFS or Errno.EAGAIN;

    /// <summary>Counts one failure and returns how long to pause; <paramref name="episodeBegins"/> for the first in a row.</summary>
    public TimeSpan Fail(out bool episodeBegins)
    {
        episodeBegins = Failures == 0;
        Failures++;
        var delay = _next;
        _next = _next * 2 > MaxDelay ? MaxDelay : _next * 2;
        return delay;
    }

    /// <summary>A re-exec carried an episode of <paramref name="failures"/> in a row: the next pause is what it would have been.</summary>
    public void Restore(uint failures)
    {
        Failures = 0;
        _next = FirstDelay;
        for (uint i = 0; i < failures; i++)
            Fail(out _);
    }

    /// <summary>Ends the episode, if any; returns how many failures it had (0: there was none).</summary>
    public uint Succeed()
    {
        uint failures = Failures;
        Failures = 0;
        _next = FirstDelay;
        return failures;
    }
}
