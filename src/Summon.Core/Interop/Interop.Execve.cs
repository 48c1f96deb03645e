using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>execve(2): replaces the process image with this argv and envp. Returns only on failure (-1, errno).</summary>
    [LibraryImport(Name, EntryPoint = "execve", SetLastError = true)]
    internal static unsafe partial int Execve(byte* path, byte** argv, byte** envp);
}
