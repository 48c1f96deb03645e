using System.Runtime.InteropServices;
using System.Text;
using Summon.Processes;

namespace Summon.Cli.Terminal;

/// <summary>
/// Console.Out and Console.Error for the CLI: text straight to fd 1 or 2 (<see cref="StandardStreams"/>). System.Console's
/// own writers set the terminal up on their first write when a stream is a tty, and that set-up sends terminfo's
/// keypad_xmit (ESC[?1h ESC=) to the terminal; systemctl sends nothing of the kind. Characters written one at a time
/// are gathered up to the end of the line; strings go out at once. A reader that went away drops the rest silently.
/// </summary>
internal sealed class StandardStreamWriter(SafeHandle stream) : TextWriter
{
    private readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Routes Console.Out and Console.Error here, before anything writes to either.</summary>
    public static void Install()
    {
        Console.SetOut(new StandardStreamWriter(StandardStreams.Output));
        Console.SetError(new StandardStreamWriter(StandardStreams.Error));
    }

    public override void Write(char value)
    {
        _pending.Append(value);
        if (value == '\n')
            Flush();
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (_pending.Length > 0)
        {
            _pending.Append(buffer);
            Flush();
            return;
        }
        StandardStreams.Write(stream, buffer);
    }

    public override void WriteLine(string? value) => Write(string.Concat(value, "\n"));

    public override void WriteLine() => Write("\n");

    public override void Flush()
    {
        if (_pending.Length == 0)
            return;
        string text = _pending.ToString();
        _pending.Clear();
        StandardStreams.Write(stream, text);
    }
}
