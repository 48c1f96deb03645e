using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>semctl(2) without its fourth argument (IPC_RMID). 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "semctl", SetLastError = true)]
    internal static partial int Semctl(int id, int number, int command);
}
