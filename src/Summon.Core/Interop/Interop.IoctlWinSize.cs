using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>ioctl(TIOCGWINSZ): the terminal's size, or -1 with errno when the fd is not a terminal.</summary>
    internal static int GetWindowSize(SafeHandle fd, out WinSize size) => IoctlWinSize(fd, TIOCGWINSZ, out size);

    /// <summary>struct winsize of &lt;sys/ioctl.h&gt;.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    /// <summary>The same request number on every Linux architecture .NET runs on (asm-generic/ioctls.h).</summary>
    private const nuint TIOCGWINSZ = 0x5413;

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWinSize(SafeHandle fd, nuint request, out WinSize size);
}
