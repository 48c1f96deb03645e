using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>
/// systemd's journal export format (<c>-o export</c>): each field <c>KEY=VALUE\n</c>, a blank line after each entry.
/// A value journald would not print as text (a newline, a control character other than tab, C1 controls) is written
/// binary-safe: <c>KEY\n</c>, its length as a 64-bit little-endian number, the bytes, <c>\n</c>.
/// </summary>
internal static class JournalExportFormat
{
    public static void Append(IBufferWriter<byte> output, JournalEntry entry, string hostname)
    {
        foreach (var (name, value) in JournalFields.Of(entry, hostname))
        {
            Write(output, name);
            if (IsPrintable(value))
            {
                Write(output, "=");
                Write(output, value);
            }
            else
            {
                Write(output, "\n");
                var length = output.GetSpan(8);
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)Encoding.UTF8.GetByteCount(value));
                output.Advance(8);
                Write(output, value);
            }

            Write(output, "\n");
        }

        Write(output, "\n");
    }

    /// <summary>systemd's utf8_is_printable(): no newline, no C0 control but tab, no DEL or C1 control.</summary>
    internal static bool IsPrintable(string value)
    {
        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c is >= '\x7f' and <= '\x9f')
                return false;
        }

        return true;
    }

    private static void Write(IBufferWriter<byte> output, string text) => Encoding.UTF8.GetBytes(text, output);
}
