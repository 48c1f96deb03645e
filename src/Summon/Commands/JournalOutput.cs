using System.Buffers;
using Summon.Cli.Rendering;
using Summon.Journal;
using Summon.Processes;

namespace Summon.Cli.Commands;

/// <summary>
/// Rendered entries on their way to standard output, written with write(2) in blocks: bytes (export is binary-safe)
/// and a write error seen (<see cref="ReaderGone"/>: the reader closed the pipe) rather than hidden as Console hides
/// EPIPE, so <c>journalctl … | head</c> ends quietly.
/// </summary>
internal sealed class JournalOutput(JournalRenderer renderer)
{
    private const int FlushAt = 64 * 1024;
    private readonly ArrayBufferWriter<byte> buffer = new(FlushAt * 2);

    public bool ReaderGone { get; private set; }

    /// <summary>Writes the entries (and journalctl's "-- No entries --" when none and asked to); false once the reader is gone.</summary>
    public bool Write(IEnumerable<JournalEntry> entries, bool sayNoEntries)
    {
        bool any = false;
        foreach (var entry in entries)
        {
            any = true;
            renderer.Append(buffer, entry);
            if (buffer.WrittenCount >= FlushAt && !Flush())
                return false;
        }

        if (!any && sayNoEntries)
            renderer.AppendNoEntries(buffer);
        return Flush();
    }

    private bool Flush()
    {
        if (buffer.WrittenCount > 0 && !ReaderGone && !StandardStreams.TryWrite(StandardStreams.Output, buffer.WrittenSpan))
            ReaderGone = true;
        buffer.ResetWrittenCount();
        return !ReaderGone;
    }
}
