using System.Text;
using Summon.Posix;

namespace Summon.Interop;

/// <summary>
/// Unbuffered UTF-8 text straight to fd 1 or 2 with write(2). For CLI verbs that print a line or two and exit:
/// System.Console's first use sets up terminal and signal handling (a pipe and a thread) and reads the charset from
/// LANG, which such a process does not need. Like Console, a reader that went away (EPIPE; the runtime ignores
/// SIGPIPE) or any other write error drops the rest of the text silently.
/// </summary>
internal static class StandardStreams
{
    public const int Output = 1, Error = 2;

    public static unsafe void Write(int fd, ReadOnlySpan<char> text)
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
                nint n = Libc.Write(fd, p + written, length - written);
                if (n < 0)
                {
                    if (Errno.Last == Errno.EINTR)
                        continue;
                    return;
                }
                written += (int)n;
            }
        }
    }
}
