using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>fstat(2) into a raw struct stat buffer (144 bytes on x86_64, 128 on aarch64; st_dev and st_ino lead both).</summary>
    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    internal static unsafe partial int Fstat(SafeHandle fd, byte* buffer);
}
