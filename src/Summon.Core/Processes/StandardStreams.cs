using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// Unbuffered UTF-8 text straight to fd 1 or 2 with write(2). For CLI verbs that print a line or two and exit:
/// System.Console's first use sets up terminal and signal handling (a pipe and a thread) and reads the charset from
/// LANG, which such a process does not need. Like Console, a reader that went away (EPIPE; the runtime ignores
/// SIGPIPE) or any other write error drops the rest of the text silently. It lives with the rest of what a process
/// does with its own and its children's standard streams (<see cref="ChildStdio"/>).
/// </summary>
internal static class StandardStreams
{
    public static SafeHandle Output { get; } = new SafeFdHandle(1, ownsHandle: false);

    public static SafeHandle Error { get; } = new SafeFdHandle(2, ownsHandle: false);

    /// <summary>
    /// Writes all of <paramref name="bytes"/>; false when the stream failed (a reader that went away: EPIPE), which a
    /// follower (<c>journal -f | head -1</c>) takes as its cue to end.
    /// </summary>
    public static unsafe bool TryWrite(SafeHandle stream, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int written = 0;
            while (written < bytes.Length)
            {
                nint n = Libc.Write(stream, p + written, bytes.Length - written);
                if (n < 0)
                    return false;
                written += (int)n;
            }
        }

        return true;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for the reader of <paramref name="stream"/> to go away (a
    /// pipe whose read end closed reports POLLERR); true if it has. A terminal or file never reports it.
    /// </summary>
    public static bool WaitForReaderGone(SafeHandle stream, int timeoutMilliseconds) =>
        Libc.Poll(stream, 0, timeoutMilliseconds) is > 0 and var events && (events & (Libc.POLLERR | Libc.POLLHUP)) != 0;

    /// <summary>True when the stream is a terminal (isatty(3)).</summary>
    public static bool IsTerminal(SafeHandle stream) => Libc.IsATty(stream) == 1;

    /// <summary>The width of the terminal the stream is, or null when it is not a terminal or reports no width.</summary>
    public static int? TerminalColumns(SafeHandle stream) => Libc.GetWindowSize(stream, out var size) == 0 && size.Columns > 0 ? size.Columns : null;

    /// <summary>Makes the stream refer to <paramref name="target"/> (dup2): how output goes into a pager and how the
    /// pager is told that the output ended. False when dup2 failed.</summary>
    public static bool Redirect(SafeHandle stream, SafeHandle target) => Libc.Dup2(target, stream) >= 0;

    public static unsafe void Write(SafeHandle stream, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return;
        byte[] bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        int length = Encoding.UTF8.GetBytes(text, bytes);
        fixed (byte* p = bytes)
        {
            int written = 0;
            while (written < length)
            {
                nint n = Libc.Write(stream, p + written, length - written);
                if (n < 0)
                    return;
                written += (int)n;
            }
        }
    }
}
