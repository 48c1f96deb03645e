using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>
/// How the end of a watched child is taken, for services and sockets alike: reaped from its exit handle, then its watch
/// dropped and its handle closed, with the failure of a step before its execve if it had one.
/// </summary>
internal static class ChildExit
{
    /// <summary>True once <paramref name="process"/> has ended; one we cannot wait for (an adopted daemon, ECHILD) is
    /// gone with its status unknown, taken as a clean exit.</summary>
    public static bool TryReap(IChildProcess process, out ExitStatus status)
    {
        try
        {
            return process.TryReap(out status);
        }
        catch (ErrnoException e) when (e.Number == Errno.ECHILD)
        {
            status = new ExitStatus(ExitCode.Exited, 0);
            return true;
        }
    }

    /// <summary>Forgets a reaped <paramref name="process"/>: its exit watch <paramref name="token"/> and its handle; returns
    /// the step that failed before its execve, if one did.</summary>
    public static SpawnException? Forget(EventLoop loop, ref IChildProcess? process, ulong token)
    {
        loop.Unregister(token);
        var failure = process?.SpawnFailure;
        process?.Dispose();
        process = null;
        return failure;
    }
}
