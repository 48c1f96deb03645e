using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Core.Tests.Processes;

/// <summary>What the fd-map tests read back from a descriptor (its flags, its content), through the same imports the product uses.</summary>
internal static class TestFds
{
    public static bool IsCloseOnExec(SafeHandle fd) => (Flags(fd, Libc.F_GETFD) & Libc.FD_CLOEXEC) != 0;

    public static bool IsNonBlocking(SafeHandle fd) => (Flags(fd, Libc.F_GETFL) & Libc.O_NONBLOCK) != 0;

    public static void SetNonBlocking(SafeHandle fd, bool nonBlocking)
    {
        int flags = Flags(fd, Libc.F_GETFL);
        if (Libc.Fcntl(fd, Libc.F_SETFL, nonBlocking ? flags | Libc.O_NONBLOCK : flags & ~Libc.O_NONBLOCK) < 0)
            throw ErrnoException.FromLast("fcntl(F_SETFL)");
    }

    /// <summary>read(2) until EOF.</summary>
    public static unsafe byte[] ReadToEnd(SafeHandle fd)
    {
        var output = new MemoryStream();
        byte* buffer = stackalloc byte[4096];
        while (true)
        {
            nint n = Libc.Read(fd, buffer, 4096);
            if (n == 0)
                return output.ToArray();
            if (n < 0)
                throw ErrnoException.FromLast("read");
            output.Write(new ReadOnlySpan<byte>(buffer, (int)n));
        }
    }

    private static int Flags(SafeHandle fd, int command)
    {
        int flags = Libc.Fcntl(fd, command, 0);
        if (flags < 0)
            throw ErrnoException.FromLast("fcntl");
        return flags;
    }
}
