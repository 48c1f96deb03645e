using System.Runtime.InteropServices;
using Summon.Journal;
using Summon.Processes;

namespace Summon.Cli.Commands;

/// <summary>
/// <c>journalctl -f</c>: after the last lines, prints each new matching entry as the manager commits it, until Ctrl-C
/// or SIGTERM (exit 0, as journalctl) or until the reader of standard output goes away (exit quietly).
/// </summary>
/// <remarks>
/// The CLI reads the database directly, as journalctl reads journal files. New rows are found by looking again every
/// <see cref="Interval"/>: a rowid range query on a read-only WAL connection, which touches only the shared-memory
/// index when nothing changed, so it costs microseconds. The manager commits within its batch window, so a line is on
/// screen well inside journalctl's 100 ms. The wait between looks is poll(2) on standard output, which also sees the
/// reader close the pipe while nothing is being logged.
/// </remarks>
internal static class JournalFollow
{
    private const int Interval = 20;

    public static int Run(CliContext context, JournalQuery query, JournalOutput output, long startCursor)
    {
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var follow = query with { Lines = null };
        long cursor = startCursor;
        JournalReader? reader = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (StandardStreams.WaitForReaderGone(StandardStreams.Output, Interval))
                    return 0;
                reader ??= JournalReader.TryOpen(context.StateDirectory);
                if (reader is null)
                    continue;   // no journal yet: the manager creates it when it starts
                var entries = reader.Query(follow with { AfterCursor = cursor });
                if (entries.Count == 0)
                    continue;
                cursor = entries[^1].Cursor;
                if (!output.Write(entries, sayNoEntries: false))
                    return 0;
            }
        }
        catch (JournalUnreadableException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            reader?.Dispose();
        }

        return 0;

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }
}
