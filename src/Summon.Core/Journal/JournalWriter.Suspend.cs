namespace Summon.Journal;

/// <summary>
/// The re-exec's pause (docs/reexec.md): everything appended so far is committed and the database closed before
/// execve, and opened again when execve fails. Lines appended while suspended wait in the queue.
/// </summary>
internal sealed partial class JournalWriter
{
    // Guarded by gate: asked by Suspend, answered by the writer thread once the store is closed.
    private bool suspendRequested;
    private bool suspended;

    /// <summary>
    /// Commits what is queued, then has the writer thread close the database and wait; false when that did not happen
    /// within <paramref name="timeout"/> (the writer is then resumed, nothing is lost).
    /// </summary>
    public bool Suspend(TimeSpan timeout)
    {
        Flush();
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (gate)
        {
            if (finished)
            {
                return true;
            }

            suspendRequested = true;
            Monitor.PulseAll(gate);
            while (!suspended && !finished)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    break;
                }

                Monitor.Wait(gate, (int)left);
            }

            if (suspended || finished)
            {
                return true;
            }
        }

        Resume();
        return false;
    }

    /// <summary>Opens the database again and goes on committing (after a failed execve).</summary>
    public void Resume()
    {
        lock (gate)
        {
            suspendRequested = false;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Writer thread: closes the store, waits for <see cref="Resume"/> (or the end), and opens it again.</summary>
    private void SuspendHere()
    {
        var had = Volatile.Read(ref store);
        had?.Dispose();
        Volatile.Write(ref store, null);
        lock (gate)
        {
            suspended = true;
            Monitor.PulseAll(gate);
            while (suspendRequested && !stopping)
            {
                Monitor.Wait(gate);
            }

            // Stopping ends the suspension too: what waited is committed before the thread ends.
            suspendRequested = false;
            suspended = false;
        }

        if (had is not null)
        {
            var said = new List<string>();
            Volatile.Write(ref store, OpenStore(stateDirectory, options, said));
            SayNotices(said);
        }
    }
}
