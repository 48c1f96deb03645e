using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// For the manager running as PID 1 (or as a child subreaper): orphans re-parented to us must be reaped or they stay
/// zombies forever. Our own children are left alone: they are reaped through their pidfd so their status is seen.
/// </summary>
internal static class OrphanReaper
{
    /// <summary>
    /// Peeks with waitid(P_ALL, WEXITED|WNOHANG|WNOWAIT) and reaps (waitid P_PID) every exited child for which
    /// <paramref name="isOwnChild"/> is false; returns how many. waitid(P_ALL) keeps reporting the same exited child
    /// until it is reaped, so the scan stops at the first exited child that is our own: call this after the event loop
    /// has reaped its own exited children (e.g. on SIGCHLD, after draining readable pidfds).
    /// </summary>
    public static unsafe int ReapOrphans(Func<int, bool> isOwnChild)
    {
        ArgumentNullException.ThrowIfNull(isOwnChild);
        int reaped = 0;
        while (true)
        {
            Libc.SigInfo info = default;
            if (Libc.Waitid(Libc.P_ALL, 0, &info, Libc.WEXITED | Libc.WNOHANG | Libc.WNOWAIT) < 0)
            {
                int errno = Errno.Last;
                if (errno == Errno.ECHILD)
                    return reaped;   // no children at all
                throw new ErrnoException("waitid(P_ALL)", errno);
            }

            if (info.Pid == 0 || isOwnChild(info.Pid))
                return reaped;

            Libc.SigInfo gone = default;
            if (Libc.Waitid(Libc.P_PID, (uint)info.Pid, &gone, Libc.WEXITED | Libc.WNOHANG) < 0)
                throw ErrnoException.FromLast("waitid(P_PID)");
            reaped++;
        }
    }

    /// <summary>
    /// prctl(PR_SET_CHILD_SUBREAPER): processes that a service leaves behind (double-forked daemons) are re-parented
    /// to the manager instead of init, so it sees and reaps them, as systemd --user does.
    /// </summary>
    public static bool BecomeSubreaper() => Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1) == 0;
}
