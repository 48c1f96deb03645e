namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>open(2)/fcntl(F_GETFL) flags (Linux, x86_64 and arm64).</summary>
    internal const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400,
        O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    /// <summary>open(2)'s O_DIRECTORY (x86_64 and arm64 differ: 0x10000 and 0x4000).</summary>
    internal static int O_DIRECTORY => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 0x4000 : 0x10000;
}
