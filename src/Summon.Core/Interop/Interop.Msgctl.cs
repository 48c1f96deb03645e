using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>msgctl(2) with no buffer (IPC_RMID). 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "msgctl", SetLastError = true)]
    internal static partial int Msgctl(int id, int command, nint buffer);
}
