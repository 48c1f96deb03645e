using System.Runtime.InteropServices;
using Summon.Interop;

namespace Summon.Journal;

/// <summary>
/// The copy of every journal line on the manager's stdout (<c>--log-target=console|both</c>), for a container engine
/// that collects its logs there. The journal writer thread formats and queues each line into a bounded buffer and
/// never waits; a thread of its own (<c>summon-console</c>) writes the buffer with blocking write(2). Blocking on a
/// thread of its own, rather than O_NONBLOCK, because stdout is an open file description shared with whoever started
/// us (a shell's terminal, the engine's pipe) and O_NONBLOCK would change it for them too. A line that does not fit
/// while the reader stalls is dropped and counted (<see cref="Stats"/>), and one "N lines dropped" line is written
/// once the reader has caught up; the SQLite journal keeps every line either way.
/// </summary>
internal sealed class ConsoleLog : IDisposable
{
    /// <summary>Bytes queued for stdout beyond which lines are dropped.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    // Bounds how long Dispose waits for a stalled reader before the manager exits without the rest.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly SafeHandle output;
    private readonly int maxBytes;
    private readonly ConsoleLineFormatter producer;
    private readonly ConsoleLineFormatter notices;
    private readonly Thread thread;

    // Guarded by gate: what waits for the console thread, its line count, and the drops not yet reported.
    private readonly object gate = new();
    private byte[] pending = new byte[4096];
    private int pendingBytes;
    private int pendingLines;
    private long unreported;
    private bool stopping;
    private bool broken;

    public ConsoleLog(SafeHandle output, ConsoleLogFormat format, int maxBytes = DefaultMaxBytes)
    {
        this.output = output;
        this.maxBytes = maxBytes;
        var hostname = Environment.MachineName;
        producer = new ConsoleLineFormatter(format, hostname);
        notices = new ConsoleLineFormatter(format, hostname);
        thread = new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "summon-console" };
        thread.Start();
    }

    /// <summary>Its counters, read from any thread.</summary>
    public ConsoleLogStats Stats { get; } = new();

    /// <summary>Queues a service's line (the journal writer thread: one producer).</summary>
    public void Add(JournalStreamSource source, JournalLineBlock.Record record) =>
        Enqueue(producer.Format(record.TimeMicroseconds, source.Unit, source.Identifier, source.Pid, record.Priority, record.Message));

    /// <summary>Queues a manager line (the journal writer thread: one producer).</summary>
    public void Add(JournalEntry entry) => Enqueue(producer.Format(entry));

    private void Enqueue(ReadOnlySpan<byte> line)
    {
        lock (gate)
        {
            if (broken || pendingBytes + line.Length > maxBytes)
            {
                unreported++;
                Stats.AddDropped(1);
                return;
            }

            if (pending.Length - pendingBytes < line.Length)
                Array.Resize(ref pending, Math.Min(maxBytes, Math.Max(pending.Length * 2, pendingBytes + line.Length)));
            line.CopyTo(pending.AsSpan(pendingBytes));
            pendingBytes += line.Length;
            pendingLines++;
            if (pendingBytes == line.Length)
                Monitor.Pulse(gate);
        }
    }

    private void Run()
    {
        var writing = new byte[pending.Length];
        while (true)
        {
            int bytes, lines;
            lock (gate)
            {
                while (pendingBytes == 0 && !stopping)
                    Monitor.Wait(gate);
                if (pendingBytes == 0)
                    return;
                if (writing.Length < pending.Length)
                    writing = new byte[pending.Length];
                (pending, writing) = (writing, pending);
                bytes = pendingBytes;
                lines = pendingLines;
                pendingBytes = 0;
                pendingLines = 0;
            }

            if (WriteAll(writing.AsSpan(0, bytes)))
                Stats.AddWritten(lines);
            else
                Broke(lines);
            ReportDrops();
        }
    }

    /// <summary>Once the reader has caught up (nothing queued), says how many lines it missed, in one line.</summary>
    private void ReportDrops()
    {
        long missed;
        lock (gate)
        {
            if (pendingBytes != 0 || unreported == 0 || broken)
                return;
            missed = unreported;
            unreported = 0;
        }

        var now = DateTimeOffset.UtcNow;
        var text = $"Console log: {missed} lines dropped while stdout's reader was too slow (the journal has them all).";
        if (WriteAll(notices.Format(new JournalEntry(now, null, JournalEntry.ManagerIdentifier, Environment.ProcessId, SyslogPriority.Warning, text))))
            Stats.AddDropReport();
    }

    /// <summary>stdout is gone (closed, EPIPE): every line from now on is counted as dropped, none reported.</summary>
    private void Broke(int lines)
    {
        lock (gate)
        {
            broken = true;
            Stats.AddDropped(lines + pendingLines);
            pendingBytes = 0;
            pendingLines = 0;
        }
    }

    private unsafe bool WriteAll(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Libc.Write(output, start + done, bytes.Length - done);
                if (n <= 0)
                    return false;
                done += (int)n;
            }
        }

        return true;
    }

    /// <summary>Writes what is queued, waiting a bounded time for a stalled reader, then stops the thread.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }

        thread.Join(DrainTimeout);
    }
}
